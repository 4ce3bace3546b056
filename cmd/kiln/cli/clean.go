package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
)

func (a *app) cleanCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "clean",
		Short: "Remove target/ (compiled SQL, artifacts, logs and the default DuckDB file)",
		Long: `clean removes the project's target/ directory. Note that the default DuckDB
target keeps its database file there: clean deletes the data it holds.`,
		Example: `  kiln clean`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := a.options()
			if err != nil {
				return err
			}
			dir := filepath.Join(opts.Dir, "target")
			if _, err := os.Lstat(dir); os.IsNotExist(err) {
				if !a.g.quiet {
					fmt.Fprintf(cmd.OutOrStdout(), "nothing to remove: %s does not exist\n", dir)
				}
				return nil
			}
			if err := os.RemoveAll(dir); err != nil {
				return fmt.Errorf("removing %s: %w", dir, err)
			}
			if !a.g.quiet {
				fmt.Fprintf(cmd.OutOrStdout(), "removed %s\n", dir)
			}
			return nil
		},
	}
}
