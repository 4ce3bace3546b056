package postgres

import (
	"github.com/kiln-sql/kiln/dialects"
	"github.com/kiln-sql/kiln/models"
)

// QuoteIdent quotes an identifier with double quotes. PostgreSQL folds
// unquoted names to lower case; a quoted name keeps its case.
func (*Engine) QuoteIdent(name string) string { return dialects.QuoteDouble(name) }

// QuoteRelation quotes schema and name: "analytics"."orders". A relation
// without a schema is a temporary table of the session: pg_temp."orders".
func (e *Engine) QuoteRelation(rel models.Relation) string { return e.StandardDDL.Relation(rel) }
