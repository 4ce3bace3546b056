package materialize

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/kiln-sql/kiln/compiler"
	"github.com/kiln-sql/kiln/models"
)

// ErrContract is matched (errors.Is) by the error of a model whose new
// relation breaks its enforced contract.
var ErrContract = errors.New("contract broken")

// ContractError lists how a model's new relation differs from the columns
// its contract declares.
type ContractError struct {
	Model      string
	Mismatches []compiler.ColumnMismatch
}

// Error names every column that differs and why, one per line.
func (e *ContractError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "model %s breaks its enforced contract, so the previous version is kept:", e.Model)
	for _, m := range e.Mismatches {
		b.WriteString("\n  - ")
		b.WriteString(m.String())
	}
	return b.String()
}

// Unwrap makes errors.Is(err, ErrContract) true.
func (e *ContractError) Unwrap() error { return ErrContract }

// checkContract compares the columns of rel, the new relation of the step's
// model before it is swapped in (or, for a view, once it is replaced in
// the transaction), with the model's declared columns. A mismatch is an
// error, so the transaction rolls back and the previous relation stays.
func (x *Executor) checkContract(ctx context.Context, st *Step, rel models.Relation, rec *recorder) error {
	m := st.model
	if m == nil || !m.Config.Contract.Enforced {
		return nil
	}
	if rec.dry {
		rec.comment("contract: the columns and types of " + rel.String() + " are compared with the declared ones here")
		return nil
	}
	cols, err := x.Engine.Columns(ctx, rec.q, rel)
	if err != nil {
		return fmt.Errorf("checking the contract: %w", err)
	}
	actual := make([]models.Column, len(cols))
	for i, c := range cols {
		actual[i] = models.Column{Name: c.Name, DataType: c.Type}
	}
	if mm := compiler.CompareColumns(x.Engine.Name(), m.Columns, actual); len(mm) > 0 {
		return &ContractError{Model: m.Name, Mismatches: mm}
	}
	return nil
}
