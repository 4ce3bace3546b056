package compiler

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/kiln-sql/kiln/compiler/sqlast"
	"github.com/kiln-sql/kiln/models"
)

// The analysis cache (target/.kiln/analysis.bin) holds every model's
// ModelAnalysis by key. A warm compile reads all of it, so it is a compact
// binary file rather than gob: a table of the distinct strings (10,000
// models repeat a few thousand column names), then the records, which
// refer to strings by index. Decoding makes one allocation for all the
// strings, and reading the file takes a fraction of gob's time.
//
//	"kiln-analysis-cache 2\n"
//	uvarint n, n × (uvarint len, bytes)            strings
//	uvarint n, n × record
//
// A record is the key, not-analysed message and transpiled SQL (string
// indexes), a flags byte, the columns (name, type), the lineage (column,
// then its sources as relation, column), the reads and the problems.
const cacheMagic = "kiln-analysis-cache 2\n"

const (
	flagTypesBound = 1 << iota
	flagColumns
	flagLineage
	flagTypesInferred
)

func loadAnalysisCache(file string) map[string]*ModelAnalysis {
	data, err := os.ReadFile(file)
	if err != nil {
		return map[string]*ModelAnalysis{}
	}
	m, err := decodeAnalyses(data)
	if err != nil {
		return map[string]*ModelAnalysis{}
	}
	return m
}

func saveAnalysisCache(file string, m map[string]*ModelAnalysis) {
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return
	}
	tmp, err := os.CreateTemp(filepath.Dir(file), ".analysis-*")
	if err != nil {
		return
	}
	w := bufio.NewWriterSize(tmp, 1<<20)
	if err := encodeAnalyses(w, m); err != nil || w.Flush() != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return
	}
	if tmp.Close() != nil {
		os.Remove(tmp.Name())
		return
	}
	_ = os.Rename(tmp.Name(), file)
}

// encodeAnalyses writes m in the cache's format, records in key order so
// that the same analyses give the same bytes.
func encodeAnalyses(w io.Writer, m map[string]*ModelAnalysis) error {
	strs := map[string]uint64{}
	var table []string
	idx := func(s string) uint64 {
		if i, ok := strs[s]; ok {
			return i
		}
		i := uint64(len(table))
		strs[s] = i
		table = append(table, s)
		return i
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)

	var rec []byte
	put := func(v uint64) { rec = binary.AppendUvarint(rec, v) }
	str := func(s string) { put(idx(s)) }
	rec = binary.AppendUvarint(rec, uint64(len(keys)))
	for _, k := range keys {
		a := m[k]
		str(k)
		str(a.NotAnalysed)
		str(a.Transpiled)
		var flags byte
		if a.TypesBound {
			flags |= flagTypesBound
		}
		if a.Columns != nil {
			flags |= flagColumns
		}
		if a.Lineage != nil {
			flags |= flagLineage
		}
		if a.TypesInferred {
			flags |= flagTypesInferred
		}
		rec = append(rec, flags)
		put(uint64(len(a.Columns)))
		for _, c := range a.Columns {
			str(c.Name)
			str(c.DataType)
		}
		lin := make([]string, 0, len(a.Lineage))
		for c := range a.Lineage {
			lin = append(lin, c)
		}
		sort.Strings(lin)
		put(uint64(len(lin)))
		for _, c := range lin {
			str(c)
			put(uint64(len(a.Lineage[c])))
			for _, s := range a.Lineage[c] {
				str(s.Relation)
				str(s.Column)
			}
		}
		put(uint64(len(a.Reads)))
		for _, r := range a.Reads {
			str(r)
		}
		put(uint64(len(a.Problems)))
		for _, p := range a.Problems {
			put(uint64(p.Offset))
			put(uint64(p.Severity))
			str(p.Message)
			str(p.Hint)
			str(p.Token)
			if p.Column {
				put(1)
			} else {
				put(0)
			}
		}
	}

	var head []byte
	head = append(head, cacheMagic...)
	head = binary.AppendUvarint(head, uint64(len(table)))
	if _, err := w.Write(head); err != nil {
		return err
	}
	var buf [binary.MaxVarintLen64]byte
	for _, s := range table {
		n := binary.PutUvarint(buf[:], uint64(len(s)))
		if _, err := w.Write(buf[:n]); err != nil {
			return err
		}
		if _, err := io.WriteString(w, s); err != nil {
			return err
		}
	}
	_, err := w.Write(rec)
	return err
}

var errBadCache = errors.New("analysis cache is damaged")

// cacheReader reads the cache's varints, failing once and for all on the
// first bad one.
type cacheReader struct {
	data []byte
	all  string // data as one string, which table entries slice
	off  int
	tab  []string
	err  error
}

func (r *cacheReader) uint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.data[r.off:])
	if n <= 0 {
		r.err = errBadCache
		return 0
	}
	r.off += n
	return v
}

// count reads a length, which cannot exceed the bytes left.
func (r *cacheReader) count() int {
	n := r.uint()
	if n > uint64(len(r.data)-r.off) {
		r.err = errBadCache
		return 0
	}
	return int(n)
}

func (r *cacheReader) str() string {
	i := r.uint()
	if i >= uint64(len(r.tab)) {
		r.err = errBadCache
		return ""
	}
	return r.tab[i]
}

func (r *cacheReader) byte() byte {
	if r.err != nil || r.off >= len(r.data) {
		r.err = errBadCache
		return 0
	}
	b := r.data[r.off]
	r.off++
	return b
}

// decodeAnalyses reads what encodeAnalyses wrote.
func decodeAnalyses(data []byte) (map[string]*ModelAnalysis, error) {
	if len(data) < len(cacheMagic) || string(data[:len(cacheMagic)]) != cacheMagic {
		return nil, errBadCache
	}
	r := &cacheReader{data: data, all: string(data), off: len(cacheMagic)}
	r.tab = make([]string, r.count())
	for i := range r.tab {
		n := r.count()
		if r.err != nil {
			return nil, r.err
		}
		r.tab[i] = r.all[r.off : r.off+n]
		r.off += n
	}
	n := r.count()
	out := make(map[string]*ModelAnalysis, n)
	for range n {
		a := &ModelAnalysis{Key: r.str(), NotAnalysed: r.str(), Transpiled: r.str()}
		flags := r.byte()
		a.TypesBound = flags&flagTypesBound != 0
		a.TypesInferred = flags&flagTypesInferred != 0
		if nc := r.count(); nc > 0 || flags&flagColumns != 0 {
			a.Columns = make([]models.Column, nc)
			for i := range a.Columns {
				a.Columns[i] = models.Column{Name: r.str(), DataType: r.str()}
			}
		}
		if nl := r.count(); nl > 0 || flags&flagLineage != 0 {
			a.Lineage = make(map[string][]sqlast.ColumnSource, nl)
			for range nl {
				c := r.str()
				srcs := make([]sqlast.ColumnSource, r.count())
				for j := range srcs {
					srcs[j] = sqlast.ColumnSource{Relation: r.str(), Column: r.str()}
				}
				a.Lineage[c] = srcs
			}
		}
		if nr := r.count(); nr > 0 {
			a.Reads = make([]string, nr)
			for i := range a.Reads {
				a.Reads[i] = r.str()
			}
		}
		if np := r.count(); np > 0 {
			a.Problems = make([]problem, np)
			for i := range a.Problems {
				a.Problems[i] = problem{Offset: int(r.uint()), Severity: models.Severity(r.uint()), Message: r.str(), Hint: r.str(), Token: r.str(), Column: r.uint() == 1}
			}
		}
		if r.err != nil {
			return nil, r.err
		}
		out[a.Key] = a
	}
	if r.err != nil || r.off != len(data) {
		return nil, errBadCache
	}
	return out, nil
}
