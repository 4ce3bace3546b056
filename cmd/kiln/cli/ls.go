package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kiln-sql/kiln/compiler/selector"
	"github.com/kiln-sql/kiln/models"
)

func asSelectorError(err error, target **selector.Error) bool { return errors.As(err, target) }

// lsEntry is one line of kiln ls --output json.
type lsEntry struct {
	UniqueID     string        `json:"unique_id"`
	Name         string        `json:"name"`
	ResourceType string        `json:"resource_type"`
	Path         string        `json:"original_file_path"`
	Relation     string        `json:"relation,omitempty"`
	Tags         []string      `json:"tags"`
	Config       models.Config `json:"config"`
	DependsOn    []string      `json:"depends_on"`
}

func (a *app) lsCommand() *cobra.Command {
	var sel selection
	var output string
	cmd := &cobra.Command{
		Use:     "ls",
		Aliases: []string{"list"},
		Short:   "List the selected resources",
		Long: `ls prints the resources a selection picks, one per line, without touching
a database: a quick way to check a --select expression before a run.`,
		Example: `  kiln ls --select stg_orders+
  kiln ls --select tag:nightly,config.materialized:table
  kiln ls --select resource_type:seed --output json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if output != "text" && output != "json" && output != "name" && output != "path" {
				return usageError{fmt.Errorf("--output must be text, json, name or path, not %q", output)}
			}
			p, err := a.load()
			if err != nil {
				return err
			}
			defer p.printer.close()
			ids, err := p.selectNodes(sel)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			for _, id := range ids {
				e := p.entry(id)
				switch output {
				case "json":
					data, err := json.Marshal(e)
					if err != nil {
						return err
					}
					fmt.Fprintln(out, string(data))
				case "name":
					fmt.Fprintln(out, e.Name)
				case "path":
					fmt.Fprintln(out, e.Path)
				default:
					fmt.Fprintln(out, e.text())
				}
			}
			return nil
		},
	}
	sel.register(cmd)
	cmd.Flags().StringVarP(&output, "output", "o", "text", "text, json, name or path")
	return cmd
}

func (p *project) entry(id string) lsEntry {
	e := lsEntry{UniqueID: id, DependsOn: p.res.Graph.Parents(id), Tags: []string{}}
	if e.DependsOn == nil {
		e.DependsOn = []string{}
	}
	switch n := p.res.Node(id).(type) {
	case *models.Model:
		e.Name, e.ResourceType, e.Path, e.Tags, e.Config = n.Name, string(models.ResourceModel), n.Path, n.Config.Tags, n.Config
		if n.Config.Materialized != models.Ephemeral {
			e.Relation = n.Relation.String()
		}
	case *models.Seed:
		e.Name, e.ResourceType, e.Path, e.Tags, e.Config = n.Name, string(models.ResourceSeed), n.Path, n.Config.Tags, n.Config
		e.Relation = n.Relation.String()
	case *models.Source:
		e.Name, e.ResourceType, e.Path = n.SourceName+"."+n.Name, string(models.ResourceSource), n.Path
		e.Relation = n.Relation.String()
	case *models.Test:
		e.Name, e.ResourceType, e.Path, e.Tags, e.Config = n.Name, string(models.ResourceTest), n.Path, n.Config.Tags, n.Config
	case *models.UnitTest:
		e.Name, e.ResourceType, e.Path, e.Tags, e.Config = n.Name, "unit_test", n.Path, n.Config.Tags, n.Config
	case nil: // only the state has it: state:removed
		e = p.removedEntry(id, e)
	}
	return e
}

// text is dbt's ls line: the resource type and the node's dotted path.
func (e lsEntry) text() string {
	parts := strings.SplitN(e.UniqueID, ".", 2)
	return fmt.Sprintf("%-7s %s", parts[0], parts[1])
}
