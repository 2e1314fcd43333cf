package demo

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/devopsctl/devopsctl/internal/testenv"
)

// TestPageInBrowser opens the awesome app's page in headless Chromium, reads
// the greeting and the sum, presses Like and sees the count move: once with
// JavaScript (the count changes in place) and once without (the form posts and
// the page comes back). Screenshots go to the test's output folder.
func TestPageInBrowser(t *testing.T) {
	t.Parallel()
	bin := testenv.Binary(t, "chromium", "chromium", "chromium-browser", "google-chrome")
	run := start(t, Options{Epsilon: 0, Seed: 4}, Services...)
	page := run.URLs[App] + "/Bob/1/1"
	out := testenv.OutDir(t)

	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.NoSandbox, // tests may run as root, where Chromium's sandbox refuses to start
		chromedp.UserDataDir(t.TempDir()),
	)...)
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()
	// The whole test stays within 20 s on a quiet machine; the deadline leaves
	// room for a busy CI runner.
	ctx, cancel := context.WithTimeout(browser, 60*time.Second)
	defer cancel()
	began := time.Now()
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	t.Logf("chromium started in %v", time.Since(began).Round(time.Millisecond))

	for _, js := range []bool{true, false} {
		name := map[bool]string{true: "with-js", false: "without-js"}[js]
		t.Run(name, func(t *testing.T) {
			tab, closeTab := chromedp.NewContext(ctx)
			defer closeTab()
			if !js {
				if err := chromedp.Do(tab, scriptsOff); err != nil {
					t.Fatalf("turn JavaScript off: %v", err)
				}
			}
			if err := chromedp.Do(tab, chromedp.Navigate(page)); err != nil {
				t.Fatalf("open %s: %v", page, err)
			}
			greeting := text(t, tab, "#greeting")
			if !strings.HasSuffix(greeting, " Bob") || !(strings.HasPrefix(greeting, "Hello") || strings.HasPrefix(greeting, "Howdy")) {
				t.Fatalf("greeting %q does not greet Bob", greeting)
			}
			if sum := text(t, tab, "#sum"); sum != "1 + 1 = 2" {
				t.Fatalf("sum %q, want 1 + 1 = 2", sum)
			}
			likes := text(t, tab, "#likes")
			before, err := strconv.Atoi(likes)
			if err != nil {
				t.Fatalf("likes %q is not a count", likes)
			}
			want := strconv.Itoa(before + 1)
			// The new count is found by a DOM search, not a script, so that
			// it works with scripts off too.
			moved := chromedp.WaitVisible(chromedp.Search(`//span[@id="likes" and text()="` + want + `"]`))
			if js {
				// A mark on the window survives only if the page is not reloaded.
				err = chromedp.Do(tab,
					chromedp.Evaluate[chromedp.Void](`window.stayed = true`),
					chromedp.Click(chromedp.CSS("#like")),
					moved,
				)
				if err == nil {
					stayed, evalErr := chromedp.Run(tab, chromedp.Evaluate[bool](`window.stayed === true`))
					if evalErr != nil || !stayed {
						t.Fatalf("the like reloaded the page (%v); with JavaScript the count should change in place", evalErr)
					}
				}
			} else {
				err = chromedp.Do(tab, chromedp.Click(chromedp.CSS("#like")), moved)
			}
			if err != nil {
				t.Fatalf("press Like and wait for %s likes: %v", want, err)
			}
			shot, err := chromedp.Run(tab, chromedp.FullScreenshot(100)) // 100 asks for a PNG
			if err != nil {
				t.Fatalf("screenshot: %v", err)
			}
			path := filepath.Join(out, name+".png")
			if err := os.WriteFile(path, shot, 0o644); err != nil {
				t.Fatal(err)
			}
			abs, _ := filepath.Abs(path)
			t.Logf("screenshot: %s", abs)
		})
	}
}

// scriptsOff turns JavaScript off in a tab, as a visitor who blocks scripts.
func scriptsOff(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
	_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
	return chromedp.Void{}, err
}

func text(t *testing.T, tab context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(tab, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	return s
}
