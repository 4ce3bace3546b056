package cli

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/spf13/cobra"
)

// skeleton is the project kiln init writes. "gitignore" is renamed to
// ".gitignore" on the way out.
//
//go:embed skeleton
var skeleton embed.FS

var projectNameRE = regexp.MustCompile(`[^A-Za-z0-9_]+`)

func (a *app) initCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "init DIR",
		Short: "Write a small working project into DIR",
		Long: `init writes a small project into DIR (which must be empty or missing): seeds,
staging views, a mart table, a macro and a properties file, set up to build
into an embedded DuckDB file with no server.`,
		Example: `  kiln init shop
  cd shop && kiln seed && kiln run`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := args[0]
			if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
				return usageError{fmt.Errorf("%s is not empty; kiln init writes into a new or empty directory", dir)}
			}
			abs, err := filepath.Abs(dir)
			if err != nil {
				return err
			}
			name := strings.Trim(projectNameRE.ReplaceAllString(strings.ToLower(filepath.Base(abs)), "_"), "_")
			if name == "" || name[0] >= '0' && name[0] <= '9' {
				name = "project_" + name
			}
			err = fs.WalkDir(skeleton, "skeleton", func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				data, err := skeleton.ReadFile(path)
				if err != nil {
					return err
				}
				rel := strings.TrimPrefix(path, "skeleton/")
				if rel == "gitignore" {
					rel = ".gitignore"
				}
				data = []byte(strings.ReplaceAll(string(data), "{{PROJECT}}", name))
				out := filepath.Join(dir, filepath.FromSlash(rel))
				if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
					return err
				}
				return os.WriteFile(out, data, 0o644)
			})
			if err != nil {
				return fmt.Errorf("writing the project: %w", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote project %q to %s\nnext: cd %s && kiln build\n", name, dir, dir)
			return nil
		},
	}
}
