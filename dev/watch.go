package dev

import (
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// watcher reports changes to the files a build read and to the project's config
// files. It watches their directories (editors often save by renaming a new file
// over the old one) and filters the events by name.
type watcher struct {
	fs      *fsnotify.Watcher
	changes chan []string // batches of changed paths, after a short quiet period

	mu     sync.Mutex
	dirs   map[string]bool
	files  map[string]bool // files whose change triggers a rebuild
	config map[string]bool // files whose change reloads the project
	any    bool            // report every change in a watched directory (the build is broken)
	done   chan struct{}
}

// debounce is how long the watcher waits for more events before reporting a batch:
// an editor's save is often several events.
const debounce = 10 * time.Millisecond

func newWatcher() (*watcher, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	w := &watcher{fs: fw, changes: make(chan []string, 1), dirs: map[string]bool{}, files: map[string]bool{},
		config: map[string]bool{}, done: make(chan struct{})}
	go w.loop()
	return w, nil
}

// set replaces the watched files; config are files whose change reloads the project;
// anyChange reports every change in the watched directories.
func (w *watcher) set(files, config []string, anyChange bool) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.files = map[string]bool{}
	w.config = map[string]bool{}
	w.any = anyChange
	var firstErr error
	add := func(p string) {
		d := filepath.Dir(p)
		if w.dirs[d] {
			return
		}
		if err := w.fs.Add(d); err != nil {
			if firstErr == nil {
				firstErr = err
			}
			return
		}
		w.dirs[d] = true
	}
	for _, f := range files {
		w.files[f] = true
		add(f)
	}
	for _, f := range config {
		w.config[f] = true
		add(f)
	}
	return firstErr
}

// isConfig reports whether p is a config or dotenv file of the project.
func (w *watcher) isConfig(p string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.config[p]
}

func (w *watcher) relevant(p string) bool {
	base := filepath.Base(p)
	if strings.HasSuffix(base, "~") || strings.HasSuffix(base, ".swp") || strings.HasSuffix(base, ".swx") ||
		base == "4913" || strings.HasPrefix(base, ".#") {
		return false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.files[p] || w.config[p] {
		return true
	}
	// A dotenv file that did not exist at load time.
	if strings.HasPrefix(base, ".dev.vars") || base == ".env" || strings.HasPrefix(base, ".env.") {
		return true
	}
	return w.any && !strings.Contains(p, string(filepath.Separator)+".edged"+string(filepath.Separator))
}

func (w *watcher) loop() {
	var pending []string
	var timer *time.Timer
	var fire <-chan time.Time
	for {
		select {
		case <-w.done:
			if timer != nil {
				timer.Stop()
			}
			return
		case ev, ok := <-w.fs.Events:
			if !ok {
				return
			}
			if ev.Op == fsnotify.Chmod || !w.relevant(ev.Name) {
				continue
			}
			pending = append(pending, ev.Name)
			if timer == nil {
				timer = time.NewTimer(debounce)
			} else {
				timer.Reset(debounce)
			}
			fire = timer.C
		case <-w.fs.Errors:
			// Overflow or a removed directory: the next set() re-adds what is needed.
		case <-fire:
			fire = nil
			batch := pending
			pending = nil
			select {
			case w.changes <- batch:
			default:
				// A batch is already waiting; merge into it.
				select {
				case old := <-w.changes:
					w.changes <- append(old, batch...)
				default:
					w.changes <- batch
				}
			}
		}
	}
}

func (w *watcher) close() {
	close(w.done)
	w.fs.Close()
}
