package compiler

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/kiln-sql/kiln/models"
)

// A compile's output is a function of its inputs: kiln's build, the
// options, the project's files and the environment variables its templates
// and kiln.yml read. The manifest holds no time or invocation id. So when
// none of those changed since the last successful compile, and nothing
// touched the files it wrote, `kiln compile` has nothing to do (make's
// rule). The stamp, target/.kiln/compile.stamp, records what that takes:
//
//   - the input key: a hash of kiln's build, the options, and the path and
//     content of every file Compile reads (InputKey);
//   - the names of the environment variables the compile looked up, and a
//     hash of their values (never the values: they may be secrets);
//   - the size and modification time of every file it wrote;
//   - its diagnostics, to print again.
//
// A compile whose templates call a function whose result is not a function
// of its arguments (now, randAlpha, uuidv4, expandenv, …) writes no stamp.

// stampFile is the stamp's path under target/.
const stampFile = ".kiln/compile.stamp"

const stampVersion = "kiln-compile-stamp-1"

// Stamp is what a successful compile leaves for the next one to decide
// whether it is up to date.
type Stamp struct {
	Version     string             `json:"version"`
	Key         string             `json:"key"`
	Env         []string           `json:"env"`     // names of environment variables read
	EnvKey      string             `json:"env_key"` // hash of their values
	Summary     string             `json:"summary"` // what the command printed of its work
	Diagnostics models.Diagnostics `json:"diagnostics,omitempty"`
	Outputs     []StampedFile      `json:"outputs"`
}

// StampedFile is a file a compile wrote, relative to target/.
type StampedFile struct {
	Path    string `json:"path"`
	Size    int64  `json:"size"`
	ModTime int64  `json:"mtime"` // Unix nanoseconds
}

// Inputs are the files a compile reads, read once: hashed into a key that
// says whether anything changed since the last compile, then compiled from
// memory (Options.Inputs) when something did.
type Inputs struct {
	// Key hashes everything a compile reads apart from the environment:
	// kiln's build, the options, the command's own flags, and the path and
	// content of kiln.yml and of every model, macro, properties file, seed
	// and singular test.
	Key string

	dir   string
	files projectFiles
	mu    sync.Mutex
	data  map[string][]byte // by path; seeds are hashed, not kept
}

// ReadInputs reads and hashes the files a compile of opts reads; extra are
// the command's flags that change what it writes (e.g. --select). It
// returns nil when the compile cannot be stamped: it defers to another
// run's relations.
func ReadInputs(opts Options, extra ...string) (*Inputs, error) {
	if opts.Defer != nil {
		return nil, nil
	}
	files, err := findFiles(opts.Dir)
	if err != nil {
		return nil, err
	}
	all := make([]string, 0, 1+len(files.Models)+len(files.Properties)+len(files.Seeds)+len(files.Macros)+len(files.Tests))
	all = append(all, ProjectFile)
	for _, group := range [][]string{files.Models, files.Properties, files.Seeds, files.Macros, files.Tests} {
		all = append(all, group...)
	}
	seeds := map[string]bool{}
	for _, f := range files.Seeds {
		seeds[f] = true
	}
	sums := make([][sha256.Size]byte, len(all))
	data := make([][]byte, len(all))
	errs := make([]error, len(all))
	parallelN(len(all), 4, func(i int) {
		b, err := os.ReadFile(filepath.Join(opts.Dir, filepath.FromSlash(all[i])))
		if err != nil {
			errs[i] = err
			return
		}
		sums[i] = sha256.Sum256(b)
		if !seeds[all[i]] {
			data[i] = b
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}

	h := sha256.New()
	vars, err := json.Marshal(opts.Vars) // map keys come out sorted
	if err != nil {
		return nil, err
	}
	dialects := make([]string, 0, len(opts.Dialects))
	for name, d := range opts.Dialects {
		if d != nil {
			dialects = append(dialects, name)
		}
	}
	sort.Strings(dialects)
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00%d\x00%t\x00%t\x00%t\x00%s\x00",
		stampVersion, analysisVersion, opts.Dir, opts.Target, vars, opts.Threads, opts.Strict, opts.BindAll, opts.Analyzer != nil, strings.Join(dialects, ","))
	for _, e := range extra {
		fmt.Fprintf(h, "%d:%s\x00", len(e), e)
	}
	in := &Inputs{dir: opts.Dir, files: files, data: make(map[string][]byte, len(all))}
	for i, f := range all {
		fmt.Fprintf(h, "%s\x00%x\x00", f, sums[i])
		if data[i] != nil {
			in.data[f] = data[i]
		}
	}
	in.Key = hex.EncodeToString(h.Sum(nil))
	return in, nil
}

// read returns a file's content as read by ReadInputs, or from the disk.
func (in *Inputs) read(rel string) ([]byte, error) {
	in.mu.Lock()
	data, ok := in.data[rel]
	in.mu.Unlock()
	if ok {
		return data, nil
	}
	return os.ReadFile(filepath.Join(in.dir, filepath.FromSlash(rel)))
}

// release drops the files' content once compiled.
func (in *Inputs) release() {
	in.mu.Lock()
	in.data = nil
	in.mu.Unlock()
}

// envKey hashes the values of the named environment variables, and whether
// each is set.
func envKey(names []string, env func(string) (string, bool)) string {
	if env == nil {
		env = os.LookupEnv
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00", stampVersion)
	for _, name := range names {
		v, ok := env(name)
		fmt.Fprintf(h, "%d:%s\x00%t\x00%d:%s\x00", len(name), name, ok, len(v), v)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ReadStamp reads the stamp of the last compile into targetDir; nil when
// there is none or it cannot be read.
func ReadStamp(targetDir string) *Stamp {
	data, err := os.ReadFile(filepath.Join(targetDir, filepath.FromSlash(stampFile)))
	if err != nil {
		return nil
	}
	var s Stamp
	if json.Unmarshal(data, &s) != nil || s.Version != stampVersion {
		return nil
	}
	return &s
}

// RemoveStamp forgets the last compile: a compile about to write its
// artifacts removes the stamp first, so that a compile that fails or is
// killed half way never leaves one behind.
func RemoveStamp(targetDir string) error {
	err := os.Remove(filepath.Join(targetDir, filepath.FromSlash(stampFile)))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return err
}

// UpToDate says whether a compile with the given input key would write
// exactly what the stamped compile wrote: same inputs, same values of the
// environment variables it read, and every file it wrote still as it was.
func (s *Stamp) UpToDate(key string, env func(string) (string, bool), targetDir string) bool {
	if s == nil || key == "" || s.Key != key || envKey(s.Env, env) != s.EnvKey {
		return false
	}
	changed := make([]bool, len(s.Outputs))
	parallelN(len(s.Outputs), 4, func(i int) {
		o := s.Outputs[i]
		fi, err := os.Stat(filepath.Join(targetDir, filepath.FromSlash(o.Path)))
		changed[i] = err != nil || fi.Size() != o.Size || fi.ModTime().UnixNano() != o.ModTime
	})
	for _, c := range changed {
		if c {
			return false
		}
	}
	return true
}

// WriteStamp records a successful compile whose inputs hash to key (see
// Inputs):
// the files WriteArtifacts and WriteTestArtifacts wrote, and the command's
// own (extra, relative to targetDir). It writes nothing, and says why, when
// the compile's output is not a function of its inputs.
func (res *Result) WriteStamp(targetDir, key, summary string, extra ...string) (reason string, err error) {
	if key == "" {
		return "it defers to another run's relations", nil
	}
	if res.volatile != "" {
		return fmt.Sprintf("a template calls %s, whose result changes from one compile to the next", res.volatile), nil
	}
	s := Stamp{Version: stampVersion, Key: key, Env: res.envNames(), Summary: summary}
	if res.envRec != nil {
		s.EnvKey = envKey(s.Env, res.envRec.lookup)
	} else {
		s.EnvKey = envKey(nil, nil)
	}
	for _, d := range res.Diagnostics {
		d.Message, d.Hint, d.Pos.File = res.redact(d.Message), res.redact(d.Hint), res.redact(d.Pos.File)
		if d.Node != "" {
			d.Severity = models.Warning // a stamped compile did not select it
		}
		s.Diagnostics = append(s.Diagnostics, d)
	}
	res.outputsMu.Lock()
	paths := append(append([]string(nil), res.outputs...), extra...)
	res.outputsMu.Unlock()
	sort.Strings(paths)
	paths = slices.Compact(paths)
	s.Outputs = make([]StampedFile, len(paths))
	errs := make([]error, len(paths))
	parallelN(len(paths), 4, func(i int) {
		fi, err := os.Stat(filepath.Join(targetDir, filepath.FromSlash(paths[i])))
		if err != nil {
			errs[i] = err
			return
		}
		s.Outputs[i] = StampedFile{Path: paths[i], Size: fi.Size(), ModTime: fi.ModTime().UnixNano()}
	})
	if err := errors.Join(errs...); err != nil {
		return "", err
	}
	data, err := json.Marshal(s)
	if err != nil {
		return "", err
	}
	return "", WriteFileAtomic(filepath.Join(targetDir, filepath.FromSlash(stampFile)), data)
}

// redact replaces the secrets read into the profile.
func (res *Result) redact(s string) string {
	for _, sec := range res.Secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, "****")
		}
	}
	return s
}

// wrote records a file (relative to target/) that the compile wrote or
// found already written, for the stamp.
func (res *Result) wrote(paths ...string) {
	res.outputsMu.Lock()
	res.outputs = append(res.outputs, paths...)
	res.outputsMu.Unlock()
}

// envRecorder looks up environment variables and remembers which.
type envRecorder struct {
	lookup func(string) (string, bool)
	mu     sync.Mutex
	names  map[string]bool
}

func (e *envRecorder) get(name string) (string, bool) {
	e.mu.Lock()
	e.names[name] = true
	e.mu.Unlock()
	return e.lookup(name)
}

func (res *Result) envNames() []string {
	if res.envRec == nil {
		return nil
	}
	res.envRec.mu.Lock()
	defer res.envRec.mu.Unlock()
	names := make([]string, 0, len(res.envRec.names))
	for n := range res.envRec.names {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// volatileFuncs are the template functions whose result is not a function
// of their arguments and kiln's inputs: the clock and the time zone, random
// values, the process environment read around kiln's env, the network.
var volatileFuncs = map[string]bool{
	"now": true, "ago": true, "date": true, "dateInZone": true, "date_in_zone": true, "htmlDate": true,
	"htmlDateInZone": true, "dateModify": true, "date_modify": true, "mustDateModify": true,
	"must_date_modify": true, "toDate": true, "mustToDate": true, "durationRound": true,
	"randAlphaNum": true, "randAlpha": true, "randAscii": true, "randNumeric": true, "randInt": true,
	"randBytes": true, "shuffle": true, "uuidv4": true,
	"genPrivateKey": true, "genCA": true, "genCAWithKey": true, "genSelfSignedCert": true,
	"genSelfSignedCertWithKey": true, "genSignedCert": true, "genSignedCertWithKey": true,
	"buildCustomCert": true, "encryptAES": true, "htpasswd": true, "bcrypt": true,
	"expandenv": true, "getHostByName": true,
}

// noteVolatile records the first volatile function a template calls.
func (res *Result) noteVolatile(pt *parsedTemplate) {
	if res.volatile != "" || pt == nil {
		return
	}
	names := make([]string, 0, len(pt.Funcs))
	for f := range pt.Funcs {
		if volatileFuncs[f] {
			names = append(names, f)
		}
	}
	if len(names) > 0 {
		sort.Strings(names)
		res.volatile = names[0] + " (" + pt.File + ")"
	}
}
