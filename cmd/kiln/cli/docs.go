package cli

import (
	"bytes"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/kiln-sql/kiln/docsite"
)

func (a *app) docsCommand() *cobra.Command {
	docs := &cobra.Command{
		Use:   "docs",
		Short: "Generate the project's documentation site",
		Example: `  kiln docs generate
  kiln docs generate && xdg-open target/docs/index.html`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return usageError{fmt.Errorf("kiln docs needs a subcommand: generate")}
		},
	}
	generate := &cobra.Command{
		Use:   "generate",
		Short: "Write target/docs/index.html: every model, its SQL, columns, tests and lineage",
		Long: `docs generate compiles the project and writes a static site to
target/docs/index.html: every model, seed and source with its description,
compiled SQL, columns (with types and tests), upstream and downstream nodes, a
lineage graph (column by column where kiln knows the lineage) and a search box.
The page is one self-contained file: it loads nothing from the network and
opens from file:// as well as from any web server.`,
		Example: `  kiln docs generate && xdg-open target/docs/index.html`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := a.load()
			if err != nil {
				return err
			}
			defer p.printer.close()
			p.checkNodeDiagnostics(nil) // builds nothing: they are warnings here
			names := make([]string, 0, len(p.res.Project.Models))
			for _, m := range p.res.Project.Models {
				names = append(names, m.Name)
			}
			if err := p.writeArtifacts(names); err != nil {
				return err
			}
			var mf bytes.Buffer
			if err := p.res.Manifest().Encode(&mf); err != nil {
				return err
			}
			file := filepath.Join(p.target, "docs", "index.html")
			n, err := docsite.Write(file, mf.Bytes())
			if err != nil {
				return fmt.Errorf("writing the docs site: %w", err)
			}
			p.printer.summaryLine("wrote target/docs/index.html (%d %s); open it in a browser: file://%s", n, plural(n, "node", "nodes"), filepath.ToSlash(file))
			return nil
		},
	}
	docs.AddCommand(generate)
	return docs
}
