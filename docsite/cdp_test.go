package docsite

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// This file is a small client of the Chrome DevTools Protocol over
// --remote-debugging-pipe: Chromium reads commands on file descriptor 3
// and writes answers and events on 4, each a JSON message ended by a NUL
// byte. No WebSocket, no third-party package.

// findChromium returns the path of a Chromium binary, or "".
func findChromium() string {
	if p := os.Getenv("KILN_TEST_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// needChromium skips the test when Chromium is missing, unless
// KILN_TEST_REQUIRE_CHROMIUM=1 makes that a failure.
func needChromium(t *testing.T) string {
	t.Helper()
	p := findChromium()
	if p != "" {
		return p
	}
	msg := "chromium is not installed (Debian: apt-get install -y chromium; or set KILN_TEST_CHROMIUM to a binary)"
	if os.Getenv("KILN_TEST_REQUIRE_CHROMIUM") == "1" {
		t.Fatal(msg + ", and KILN_TEST_REQUIRE_CHROMIUM=1")
	}
	t.Skip(msg + "; skipping the browser test")
	return ""
}

// cdpMessage is a command, an answer or an event.
type cdpMessage struct {
	ID        int             `json:"id,omitempty"`
	Method    string          `json:"method,omitempty"`
	Params    json.RawMessage `json:"params,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	Error     *cdpError       `json:"error,omitempty"`
	SessionID string          `json:"sessionId,omitempty"`
}

type cdpError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// browser is a headless Chromium driven through a pipe.
type browser struct {
	t       *testing.T
	cmd     *exec.Cmd
	in      *os.File // we write commands here (the browser's fd 3)
	out     *os.File // we read answers here (the browser's fd 4)
	mu      sync.Mutex
	nextID  int
	pending map[int]chan cdpMessage
	events  []cdpMessage // every event, for the checks at the end
	closed  chan struct{}
	stderr  strings.Builder
}

// launch starts Chromium headless with a fresh profile and the flags it
// needs to run as root in a container without reaching the network.
func launch(t *testing.T, bin string) *browser {
	t.Helper()
	profile := t.TempDir()
	childIn, in, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	out, childOut, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-default-apps", "--disable-extensions", "--no-default-browser-check",
		"--user-data-dir="+profile, "--window-size=1400,1000", "--remote-debugging-pipe", "about:blank")
	cmd.ExtraFiles = []*os.File{childIn, childOut} // fds 3 and 4
	b := &browser{t: t, cmd: cmd, in: in, out: out, pending: map[int]chan cdpMessage{}, closed: make(chan struct{})}
	cmd.Stderr = &lockedWriter{b: b}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	childIn.Close()
	childOut.Close()
	go b.read()
	t.Cleanup(b.close)
	return b
}

// lockedWriter collects the browser's stderr for failure messages.
type lockedWriter struct{ b *browser }

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.b.mu.Lock()
	defer w.b.mu.Unlock()
	if w.b.stderr.Len() < 1<<16 {
		w.b.stderr.Write(p)
	}
	return len(p), nil
}

func (b *browser) read() {
	defer close(b.closed)
	r := bufio.NewReaderSize(b.out, 1<<20)
	for {
		data, err := r.ReadBytes(0)
		if err != nil {
			return
		}
		var m cdpMessage
		if json.Unmarshal(data[:len(data)-1], &m) != nil {
			continue
		}
		b.mu.Lock()
		if m.ID != 0 {
			if ch, ok := b.pending[m.ID]; ok {
				delete(b.pending, m.ID)
				ch <- m
			}
		} else {
			b.events = append(b.events, m)
		}
		b.mu.Unlock()
	}
}

// call sends a command (to a page when session is set) and waits for its
// answer.
func (b *browser) call(session, method string, params any) (json.RawMessage, error) {
	raw, err := json.Marshal(params)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	b.nextID++
	id := b.nextID
	ch := make(chan cdpMessage, 1)
	b.pending[id] = ch
	b.mu.Unlock()
	msg, _ := json.Marshal(cdpMessage{ID: id, Method: method, Params: raw, SessionID: session})
	if _, err := b.in.Write(append(msg, 0)); err != nil {
		return nil, fmt.Errorf("%s: %w", method, err)
	}
	select {
	case m := <-ch:
		if m.Error != nil {
			return nil, fmt.Errorf("%s: %s", method, m.Error.Message)
		}
		return m.Result, nil
	case <-b.closed:
		return nil, fmt.Errorf("%s: the browser exited\n%s", method, b.stderrText())
	case <-time.After(30 * time.Second):
		return nil, fmt.Errorf("%s: no answer in 30s", method)
	}
}

func (b *browser) stderrText() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.stderr.String()
}

// close asks the browser to quit and waits for it; it kills the process
// it started if it does not quit in time.
func (b *browser) close() {
	done := make(chan error, 1)
	go func() {
		b.call("", "Browser.close", struct{}{})
	}()
	go func() { done <- b.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		b.cmd.Process.Kill()
		<-done
	}
	b.in.Close()
	b.out.Close()
}

// page is one tab, attached with a flat session.
type page struct {
	b       *browser
	session string
}

func (b *browser) newPage() *page {
	b.t.Helper()
	res, err := b.call("", "Target.createTarget", map[string]any{"url": "about:blank"})
	if err != nil {
		b.t.Fatal(err)
	}
	var target struct {
		TargetID string `json:"targetId"`
	}
	json.Unmarshal(res, &target)
	res, err = b.call("", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true})
	if err != nil {
		b.t.Fatal(err)
	}
	var att struct {
		SessionID string `json:"sessionId"`
	}
	json.Unmarshal(res, &att)
	p := &page{b: b, session: att.SessionID}
	for _, m := range []string{"Page.enable", "Runtime.enable", "Log.enable", "Network.enable"} {
		p.must(m, struct{}{})
	}
	return p
}

func (p *page) must(method string, params any) json.RawMessage {
	p.b.t.Helper()
	res, err := p.b.call(p.session, method, params)
	if err != nil {
		p.b.t.Fatal(err)
	}
	return res
}

// eval evaluates a JavaScript expression in the page and returns its
// value; an exception fails the test.
func (p *page) eval(expr string) any {
	p.b.t.Helper()
	res := p.must("Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true, "awaitPromise": true})
	var r struct {
		Result struct {
			Value any `json:"value"`
		} `json:"result"`
		Exception *struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	if err := json.Unmarshal(res, &r); err != nil {
		p.b.t.Fatal(err)
	}
	if r.Exception != nil {
		p.b.t.Fatalf("evaluating %s: %s %s", expr, r.Exception.Text, r.Exception.Exception.Description)
	}
	return r.Result.Value
}

// waitFor polls a JavaScript condition until it is true.
func (p *page) waitFor(cond string) {
	p.b.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		// The page may not have drawn what cond reads yet: that is "not yet".
		if v, _ := p.eval("(function () { try { return !!(" + cond + "); } catch (e) { return false; } })()").(bool); v {
			return
		}
		if time.Now().After(deadline) {
			p.b.t.Fatalf("timed out waiting for %s", cond)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (p *page) navigate(url string) {
	p.b.t.Helper()
	p.must("Page.navigate", map[string]any{"url": url})
	p.waitFor(`document.readyState === "complete" && location.href === ` + jsString(url))
}

// click clicks the middle of the first element matching selector with the
// mouse, as a person would (so the element must be visible).
func (p *page) click(selector string) {
	p.b.t.Helper()
	p.eval(`document.querySelector(` + jsString(selector) + `).scrollIntoView({block: "center"})`)
	v := p.eval(`(function () { var r = document.querySelector(` + jsString(selector) + `).getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()`)
	xy, ok := v.([]any)
	if !ok || len(xy) != 2 {
		p.b.t.Fatalf("no element %s", selector)
	}
	for _, typ := range []string{"mouseMoved", "mousePressed", "mouseReleased"} {
		p.must("Input.dispatchMouseEvent", map[string]any{"type": typ, "x": xy[0], "y": xy[1], "button": "left", "clickCount": 1})
	}
}

// typeText types text into the focused element.
func (p *page) typeText(text string) {
	p.b.t.Helper()
	p.must("Input.insertText", map[string]any{"text": text})
}

// press presses and releases a key such as Enter.
func (p *page) press(key string, code int) {
	p.b.t.Helper()
	for _, typ := range []string{"rawKeyDown", "keyUp"} {
		p.must("Input.dispatchKeyEvent", map[string]any{"type": typ, "key": key, "code": key, "windowsVirtualKeyCode": code})
	}
}

// screenshot saves a PNG of the page.
func (p *page) screenshot(file string) {
	p.b.t.Helper()
	res := p.must("Page.captureScreenshot", map[string]any{"format": "png"})
	var r struct {
		Data string `json:"data"`
	}
	json.Unmarshal(res, &r)
	data, err := base64.StdEncoding.DecodeString(r.Data)
	if err != nil {
		p.b.t.Fatal(err)
	}
	if err := os.WriteFile(file, data, 0o644); err != nil {
		p.b.t.Fatal(err)
	}
}

// problems lists the console errors, uncaught exceptions and requests
// for anything but file: and data: URLs seen so far.
func (b *browser) problems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, e := range b.events {
		switch e.Method {
		case "Runtime.exceptionThrown":
			out = append(out, "exception: "+string(e.Params))
		case "Runtime.consoleAPICalled":
			var p struct {
				Type string `json:"type"`
			}
			json.Unmarshal(e.Params, &p)
			if p.Type == "error" || p.Type == "assert" {
				out = append(out, "console."+p.Type+": "+string(e.Params))
			}
		case "Log.entryAdded":
			var p struct {
				Entry struct {
					Level string `json:"level"`
					Text  string `json:"text"`
					URL   string `json:"url"`
				} `json:"entry"`
			}
			json.Unmarshal(e.Params, &p)
			if p.Entry.Level == "error" {
				out = append(out, "log: "+p.Entry.Text+" "+p.Entry.URL)
			}
		case "Network.requestWillBeSent":
			var p struct {
				Request struct {
					URL string `json:"url"`
				} `json:"request"`
			}
			json.Unmarshal(e.Params, &p)
			if u := p.Request.URL; !strings.HasPrefix(u, "file://") && !strings.HasPrefix(u, "data:") && u != "about:blank" {
				out = append(out, "network request: "+u)
			}
		}
	}
	return out
}

// requests lists the URLs the page asked for.
func (b *browser) requests() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, e := range b.events {
		if e.Method == "Network.requestWillBeSent" {
			var p struct {
				Request struct {
					URL string `json:"url"`
				} `json:"request"`
			}
			json.Unmarshal(e.Params, &p)
			out = append(out, p.Request.URL)
		}
	}
	return out
}

func jsString(s string) string {
	data, _ := json.Marshal(s)
	return string(data)
}
