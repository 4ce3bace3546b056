package postgres

import (
	"fmt"
	"strings"

	"github.com/kiln-sql/kiln/models"
)

// The statements of each materialization are dialects.StandardDDL's, with
// temporary relations qualified by pg_temp. This file holds what reads
// differently on PostgreSQL.

// DeleteMatching deletes the rows of target whose keys appear in source,
// comparing keys with =, as MERGE does, so that the planner can use a hash
// or an index: delete+insert and merge agree on which rows match, and a
// row whose key is NULL never matches.
func (e *Engine) DeleteMatching(target, source models.Relation, keys []string) string {
	cols := make([]string, len(keys))
	for i, k := range keys {
		cols[i] = e.QuoteIdent(k)
	}
	list := strings.Join(cols, ", ")
	if len(keys) > 1 {
		list = "(" + list + ")"
	}
	return fmt.Sprintf("delete from %s\nwhere %s in (select %s from %s)",
		e.QuoteRelation(target), list, strings.Join(cols, ", "), e.QuoteRelation(source))
}
