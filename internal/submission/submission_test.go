package submission

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/devopsctl/devopsctl/internal/labs"
)

func write(t *testing.T, dir, rel, body string) {
	t.Helper()
	p := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, at string) {
	t.Helper()
	if err := os.Symlink(target, at); err != nil {
		t.Fatal(err)
	}
}

func TestCopyDir(t *testing.T) {
	src := t.TempDir()
	write(t, src, "Dockerfile", "FROM busybox:1.36\n")
	write(t, src, "app/main.go", "package main\n")
	write(t, src, ".devopsctl/lab.json", `{"lab":"other"}`)
	write(t, src, "lab.yaml", "id: forged\n")
	symlink(t, "/etc/passwd", filepath.Join(src, "secret"))
	symlink(t, "../../outside", filepath.Join(src, "app", "up"))
	symlink(t, "main.go", filepath.Join(src, "app", "same"))
	dst := filepath.Join(t.TempDir(), "copy")
	skipped, err := CopyDir(src, dst, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range skipped {
		got = append(got, s.Path)
	}
	if strings.Join(got, ",") != "app/up,secret" {
		t.Errorf("skipped %v, want the two links out", skipped)
	}
	if b, err := os.ReadFile(filepath.Join(dst, "app", "main.go")); err != nil || string(b) != "package main\n" {
		t.Errorf("app/main.go = %q, %v", b, err)
	}
	if target, err := os.Readlink(filepath.Join(dst, "app", "same")); err != nil || target != "main.go" {
		t.Errorf("the link inside = %q, %v; want it kept", target, err)
	}
	if _, err := os.Lstat(filepath.Join(dst, ".devopsctl")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf(".devopsctl was copied (%v); a learner's marker must not come along", err)
	}
	for _, gone := range []string{"secret", "app/up"} {
		if _, err := os.Lstat(filepath.Join(dst, gone)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s was copied", gone)
		}
	}
}

func TestCopyDirLimits(t *testing.T) {
	tests := []struct {
		name  string
		make  func(t *testing.T, dir string)
		limit Limits
		want  string
	}{
		{name: "a 1 GB file, sparse, refused before a byte is read", limit: DefaultLimits, want: "more than 256.0 MiB",
			make: func(t *testing.T, dir string) {
				f, err := os.Create(filepath.Join(dir, "big.iso"))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				if err := f.Truncate(1 << 30); err != nil {
					t.Fatal(err)
				}
			}},
		{name: "too many files", limit: Limits{MaxBytes: 1 << 20, MaxFiles: 5}, want: "more than 5 files",
			make: func(t *testing.T, dir string) {
				for i := range 6 {
					write(t, dir, string(rune('a'+i)), "x")
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := t.TempDir()
			tt.make(t, src)
			start := time.Now()
			_, err := CopyDir(src, filepath.Join(t.TempDir(), "copy"), tt.limit)
			var big *TooLargeError
			if !errors.As(err, &big) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want a *TooLargeError saying %q", err, tt.want)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("refusing took %s", d)
			}
		})
	}
}

func testLab(t *testing.T) *labs.Lab {
	return &labs.Lab{Spec: &labs.Spec{ID: "demo"}, FS: fstest.MapFS{
		"lab.yaml":           {Data: []byte("id: demo\n")},
		"starter/Dockerfile": {Data: []byte("# TODO\n")},
	}}
}

func TestPackUnpackRoundTrip(t *testing.T) {
	ws := t.TempDir()
	write(t, ws, "Dockerfile", "FROM busybox:1.36\n")
	write(t, ws, "src/app.sh", "echo hi\n")
	write(t, ws, ".devopsctl/lab.json", `{"lab":"demo"}`)
	symlink(t, "/etc/shadow", filepath.Join(ws, "shadow"))
	symlink(t, "app.sh", filepath.Join(ws, "src", "run"))
	hash, err := LabHash(testLab(t))
	if err != nil || !strings.HasPrefix(hash, "sha256:") {
		t.Fatalf("LabHash = %q, %v", hash, err)
	}
	out := filepath.Join(ws, "demo"+Suffix) // inside the workspace: it must not pack itself
	write(t, ws, "demo"+Suffix, "old")
	m := &Manifest{Lab: "demo", LabHash: hash, Version: "1.2.3", Created: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		LastCheck: &labs.Report{Lab: "demo", Passed: false}}
	var buf bytes.Buffer
	if err := Pack(&buf, ws, m, DefaultLimits, out); err != nil {
		t.Fatal(err)
	}
	if m.Files != 4 || len(m.Skipped) != 1 || m.Skipped[0].Path != "shadow" {
		t.Errorf("manifest files=%d skipped=%v; want 4 entries and the link out named", m.Files, m.Skipped)
	}
	file := filepath.Join(t.TempDir(), "x"+Suffix)
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "ws")
	got, skipped, err := Unpack(file, dst, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if got.Lab != "demo" || got.LabHash != hash || got.Version != "1.2.3" || got.LastCheck == nil || len(skipped) != 0 {
		t.Errorf("manifest = %+v, skipped %v", got, skipped)
	}
	if b, _ := os.ReadFile(filepath.Join(dst, "src", "run")); string(b) != "echo hi\n" {
		t.Errorf("src/run reads %q through its link", b)
	}
	for _, gone := range []string{".devopsctl", "shadow", "demo" + Suffix} {
		if _, err := os.Lstat(filepath.Join(dst, gone)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s was packed", gone)
		}
	}
}

type entry struct {
	hdr  tar.Header
	body string
}

func archive(t *testing.T, manifest bool, entries ...entry) string {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	if manifest {
		m, _ := json.Marshal(Manifest{Format: Format, Lab: "demo"})
		entries = append([]entry{{hdr: tar.Header{Name: manifestName, Typeflag: tar.TypeReg, Mode: 0o644}, body: string(m)}}, entries...)
	}
	for _, e := range entries {
		h := e.hdr
		if h.Typeflag == tar.TypeReg && h.Size == 0 {
			h.Size = int64(len(e.body))
		}
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatal(err)
		}
		if e.body != "" {
			tw.Write([]byte(e.body))
		}
	}
	tw.Close()
	zw.Close()
	p := filepath.Join(t.TempDir(), "s"+Suffix)
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestUnpackHostile(t *testing.T) {
	reg := func(name, body string) entry {
		return entry{hdr: tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644}, body: body}
	}
	tests := []struct {
		name     string
		file     func(t *testing.T) string
		limits   Limits
		wantErr  string // "" when it unpacks, with skipped entries
		skipped  string
		tooLarge bool
	}{
		{name: "not gzip", file: func(t *testing.T) string {
			p := filepath.Join(t.TempDir(), "x"+Suffix)
			os.WriteFile(p, []byte("hello"), 0o644)
			return p
		}, wantErr: "not a gzip file"},
		{name: "no manifest", file: func(t *testing.T) string { return archive(t, false, reg("workspace/Dockerfile", "x")) }, wantErr: "no manifest.json"},
		{name: "path escape", file: func(t *testing.T) string { return archive(t, true, reg("workspace/../../evil", "x")) }, wantErr: "leads out"},
		{name: "absolute path", file: func(t *testing.T) string { return archive(t, true, reg("/etc/cron.d/evil", "x")) }, wantErr: "absolute"},
		{name: "outside workspace/", file: func(t *testing.T) string { return archive(t, true, reg("lab.yaml", "x")) }, wantErr: "outside workspace/"},
		{name: "symlink out, then a write through it", file: func(t *testing.T) string {
			return archive(t, true,
				entry{hdr: tar.Header{Name: "workspace/etc", Typeflag: tar.TypeSymlink, Linkname: "/etc"}},
				reg("workspace/etc/evil", "x"))
		}, skipped: "etc"},
		{name: "hard link", file: func(t *testing.T) string {
			return archive(t, true, entry{hdr: tar.Header{Name: "workspace/pw", Typeflag: tar.TypeLink, Linkname: "/etc/passwd"}})
		}, skipped: "pw"},
		{name: "gzip bomb", limits: Limits{MaxBytes: 1 << 20, MaxFiles: 100}, file: func(t *testing.T) string {
			return archive(t, true, reg("workspace/zeros", strings.Repeat("\x00", 2<<20)))
		}, tooLarge: true},
		{name: "too many files", limits: Limits{MaxBytes: 1 << 20, MaxFiles: 3}, file: func(t *testing.T) string {
			return archive(t, true, reg("workspace/a", "1"), reg("workspace/b", "2"), reg("workspace/c", "3"), reg("workspace/d", "4"))
		}, tooLarge: true},
		{name: "duplicate entry", file: func(t *testing.T) string {
			return archive(t, true, reg("workspace/a", "1"), reg("workspace/a", "2"))
		}, wantErr: "exists"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lim := tt.limits
			if lim == (Limits{}) {
				lim = DefaultLimits
			}
			parent := t.TempDir()
			dst := filepath.Join(parent, "ws")
			_, skipped, err := Unpack(tt.file(t), dst, lim)
			var big *TooLargeError
			switch {
			case tt.tooLarge:
				if !errors.As(err, &big) {
					t.Fatalf("err = %v, want *TooLargeError", err)
				}
			case tt.wantErr != "":
				var bad *CorruptError
				if !errors.As(err, &bad) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want a *CorruptError saying %q", err, tt.wantErr)
				}
			default:
				if err == nil && (len(skipped) == 0 || skipped[0].Path != tt.skipped) {
					t.Errorf("skipped = %v, want %s", skipped, tt.skipped)
				}
			}
			// Whatever happened, nothing was written outside dst.
			entries, _ := os.ReadDir(parent)
			if len(entries) != 1 {
				t.Errorf("the parent of dst holds %d entries, want only dst", len(entries))
			}
			if _, err := os.Stat("/etc/evil"); err == nil {
				t.Fatal("/etc/evil was written")
			}
		})
	}
}
