package cli

import (
	"github.com/spf13/cobra"

	"github.com/kiln-sql/kiln/models"
)

func (a *app) buildCommand() *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "build",
		Short: "Seed, run and test the selection in one pass, in dependency order",
		Long: `build loads the selected seeds, builds the selected models and runs their
tests in one walk of the graph. Each node's tests run right after it, and
before anything that reads it: when a test with error severity fails, every
node downstream of the tested one is skipped (and keeps its previous
version), while the rest of the graph goes on. Warnings are reported and
never block; a build with only warnings exits 0. A model's unit tests run
before the model, and a failing one skips it.`,
		Example: `  kiln build
  kiln build --select +customers         # customers, its parents, and all their tests
  kiln build --select stg_orders+ --exclude test_type:unit
  kiln build --store-failures`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.build(f, models.ResourceSeed, models.ResourceModel, models.ResourceTest)
		},
	}
	f.register(cmd)
	cmd.Flags().BoolVar(&f.fullRefresh, "full-refresh", false, "rebuild incremental models from scratch")
	cmd.Flags().BoolVarP(&f.failFast, "fail-fast", "x", false, "stop at the first failure")
	cmd.Flags().BoolVar(&f.storeFailures, "store-failures", false, "keep every data test's failing rows in a table of <schema>_kiln_test_failures")
	cmd.Flags().BoolVar(&f.dryRun, "dry-run", false, "print the plan: the statements of each step, without running them")
	return cmd
}
