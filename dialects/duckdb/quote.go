package duckdb

import (
	"github.com/kiln-sql/kiln/dialects"
	"github.com/kiln-sql/kiln/models"
)

// QuoteIdent quotes an identifier with double quotes.
func (*Engine) QuoteIdent(name string) string { return dialects.QuoteDouble(name) }

// QuoteRelation quotes schema and name: "main"."orders".
func (e *Engine) QuoteRelation(rel models.Relation) string { return e.StandardDDL.Relation(rel) }
