package websocket

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/edged-dev/edged/runtime/op"
	"github.com/edged-dev/edged/server/egress"
)

// A socket is one WebSocket connection as JS sees it: what arrives waits in an
// inbox until JS takes it (ops.go), what JS sends waits in an outbox that a writer
// goroutine drains. A reader goroutine reads messages and ends the socket. Ops run
// on the isolate's thread and never block: they only queue, under mu.
type socket struct {
	id     int
	owner  op.Worker
	client bool // dialled from JS (new WebSocket, fetch); else the network end of a WebSocketPair
	opts   Options

	release func()          // lets the isolate go; called once, when the connection is over
	gone    <-chan struct{} // closed when the isolate stops (nil: never)
	done    chan struct{}   // closed when the socket leaves the table

	mu       sync.Mutex
	roomy    *sync.Cond // signalled when the inbox shrinks or the socket ends
	conn     *Conn      // nil until connected
	inbox    []item
	inBytes  int
	waiter   op.Completer // JS waits for the next item
	out      []outItem
	outBytes int
	wake     chan struct{} // capacity 1: the outbox has something
	closeReq bool          // JS asked to close: a close item is queued
	ended    bool          // the connection is over; the close event is queued
	cancel   context.CancelFunc
	attachT  *time.Timer // a pair's end that ServeHTTP never connected
	closeT   *time.Timer // the peer's answer to JS's close()
	removed  bool
}

type itemKind byte

const (
	itemText itemKind = iota
	itemBinary
	itemEvent
)

// item is what JS takes from a socket: a message or an event. An event is packed as
// "open\0protocol\0extensions", "error\0message" or "close\0code\0reason\0clean".
type item struct {
	kind itemKind
	text string
	data []byte
}

type outItem struct {
	op     Opcode // OpText, OpBinary or OpClose
	data   []byte
	code   int
	reason string
}

func (it item) size() int { return len(it.text) + len(it.data) }

// Bounds on what a socket holds in memory. The reader stops reading (TCP then pushes
// back on the peer) while JS has more than maxInbox bytes it has not taken; a socket
// whose JS side sends more than maxOutbox bytes the peer has not read is failed, as
// the WebSocket standard asks of a full buffer.
var (
	maxInbox  = 4 << 20
	maxOutbox = 64 << 20
)

// Timeouts of a connection's life.
var (
	attachTimeout    = 30 * time.Second // a WebSocketPair end returned in a 101 that never reached ServeHTTP
	closeTimeout     = 10 * time.Second // the peer's answer to our Close frame
	lingerTimeout    = 2 * time.Second  // a client waits this long for the server to close TCP
	handshakeTimeout = 30 * time.Second // a client's connection and opening handshake
)

// ---- the table of sockets ----

var table = struct {
	sync.Mutex
	next int
	m    map[int]*socket
}{m: map[int]*socket{}}

// Holder is what the runtime's op.Call provides so that an open socket keeps its
// isolate alive (not evicted, not stopped by Worker.Close until its deadline).
// Hold is called on the isolate's thread; release may be called from any
// goroutine; gone is closed when the isolate stops all the same.
type Holder interface {
	HoldIsolate() (release func(), gone <-chan struct{})
}

func newSocket(c op.Call, client bool) *socket {
	w := c.Worker()
	wo := optionsFor(w)
	s := &socket{owner: w, client: client, opts: Options{MaxMessage: wo.MaxMessage}, wake: make(chan struct{}, 1), done: make(chan struct{})}
	s.roomy = sync.NewCond(&s.mu)
	if h, ok := c.(Holder); ok {
		s.release, s.gone = h.HoldIsolate()
	}
	table.Lock()
	table.next++
	s.id = table.next
	table.m[s.id] = s
	table.Unlock()
	go s.watch()
	return s
}

// lookup returns the socket id of worker w, or nil.
func lookup(w op.Worker, id int) *socket {
	table.Lock()
	s := table.m[id]
	table.Unlock()
	if s == nil || s.owner != w {
		return nil
	}
	return s
}

// Open counts the sockets in the table (for tests).
func Open() int {
	table.Lock()
	defer table.Unlock()
	return len(table.m)
}

// watch ends the socket when its isolate stops.
func (s *socket) watch() {
	select {
	case <-s.done:
		return
	case <-s.gone:
	}
	s.mu.Lock()
	conn := s.conn
	s.mu.Unlock()
	if conn != nil && !conn.CloseSent() {
		conn.NetConn().SetWriteDeadline(time.Now().Add(time.Second))
		conn.WriteClose(CloseGoingAway, "")
	}
	s.end(CloseAbnormal, "", false, "the isolate serving the WebSocket stopped")
	s.remove()
}

// remove takes the socket out of the table (JS took its last event, or the isolate
// is gone).
func (s *socket) remove() {
	s.mu.Lock()
	if s.removed {
		s.mu.Unlock()
		return
	}
	s.removed = true
	s.mu.Unlock()
	table.Lock()
	delete(table.m, s.id)
	table.Unlock()
	close(s.done)
}

// ---- connecting ----

// attach starts the socket on an established connection; open, when set, is the
// open event to queue first (a client's).
func (s *socket) attach(conn *Conn, open string) {
	s.mu.Lock()
	if s.ended || (s.client && s.closeReq) {
		// Closed by JS (or ended) while the connection was being made.
		s.mu.Unlock()
		conn.WriteClose(CloseGoingAway, "")
		conn.Close()
		s.end(CloseAbnormal, "", false, "the WebSocket was closed before the connection was established")
		return
	}
	if s.attachT != nil {
		s.attachT.Stop()
		s.attachT = nil
	}
	s.conn = conn
	if open != "" {
		s.pushLocked(item{kind: itemEvent, text: open})
	}
	s.mu.Unlock()
	go s.readLoop(conn)
	go s.writeLoop(conn)
}

// dial connects a client socket in the background; the open event or the failure
// reaches JS through the inbox. For fetch() (asResponse), the open event also
// carries the 101's header fields, and a server that answers anything but 101 is
// reported as a "response" event, its body as a binary item, and the close event.
func (s *socket) dial(rawURL string, protocols []string, header http.Header, asResponse bool) {
	ctx, cancel := context.WithTimeout(context.Background(), handshakeTimeout)
	s.mu.Lock()
	s.cancel = cancel
	s.mu.Unlock()
	if port := badPort(rawURL); port != "" {
		cancel()
		s.end(CloseAbnormal, "", false, "the port "+port+" is blocked (Fetch's bad ports)")
		return
	}
	wo := optionsFor(s.owner)
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second, Control: wo.Control}
	go func() {
		defer cancel()
		conn, hs, err := Dial(ctx, rawURL, DialOptions{Protocols: protocols, Header: header, NetDial: d.DialContext, Options: s.opts})
		var he *HandshakeError
		if asResponse && errors.As(err, &he) && he.Response != nil && he.Status != http.StatusSwitchingProtocols {
			s.mu.Lock()
			if !s.ended {
				text := strings.TrimSpace(strings.TrimPrefix(he.Response.Status, strconv.Itoa(he.Status)))
				s.pushLocked(item{kind: itemEvent, text: "response\x00" + strconv.Itoa(he.Status) + "\x00" + text + "\x00" + packHeader(he.Response.Header)})
				body := he.Body
				if body == nil {
					body = []byte{}
				}
				s.pushLocked(item{kind: itemBinary, data: body})
			}
			s.mu.Unlock()
			s.end(CloseAbnormal, "", false, "")
			return
		}
		if err != nil {
			msg := err.Error()
			if errors.Is(err, context.Canceled) {
				msg = "the WebSocket was closed before the connection was established"
			} else if errors.Is(err, context.DeadlineExceeded) {
				msg = "the WebSocket opening handshake timed out"
			}
			s.end(CloseAbnormal, "", false, msg)
			return
		}
		open := "open\x00" + hs.Protocol + "\x00" + hs.Extensions
		if asResponse {
			open += "\x00" + packHeader(hs.Response.Header)
		}
		s.attach(conn, open)
	}()
}

// badPorts are the ports the Fetch standard blocks ("port blocking"): a WebSocket
// is established through fetch, so they fail as a network error.
var badPorts = map[string]bool{}

func init() {
	for _, p := range []int{0, 1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87,
		95, 101, 102, 103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427,
		465, 512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995,
		1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679,
		6697, 10080} {
		badPorts[strconv.Itoa(p)] = true
	}
}

// badPort returns rawURL's port when Fetch blocks it, else "".
func badPort(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	if p := u.Port(); badPorts[p] {
		return p
	}
	return ""
}

// packHeader flattens h as "name\0value\0..." with lower-cased names, sorted.
func packHeader(h http.Header) string {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, k := range names {
		for _, v := range h[k] {
			if b.Len() > 0 {
				b.WriteByte(0)
			}
			b.WriteString(strings.ToLower(k))
			b.WriteByte(0)
			b.WriteString(v)
		}
	}
	return b.String()
}

// ---- reading ----

func (s *socket) readLoop(conn *Conn) {
	for {
		op, data, err := conn.ReadMessage()
		if err != nil {
			s.readEnded(conn, err)
			return
		}
		it := item{kind: itemBinary, data: data}
		if op == OpText {
			it = item{kind: itemText, text: string(data)}
		}
		if !s.push(it) {
			return
		}
		s.mu.Lock()
		for s.inBytes > maxInbox && !s.ended {
			s.roomy.Wait()
		}
		ended := s.ended
		s.mu.Unlock()
		if ended {
			return
		}
	}
}

// readEnded ends the socket after the reader's last error.
func (s *socket) readEnded(conn *Conn, err error) {
	var ce *CloseError
	var pe *ProtocolError
	switch {
	case errors.As(err, &ce):
		if s.client {
			// The server closes TCP first (RFC 6455 §7.1.1); give it a moment.
			conn.NetConn().SetReadDeadline(time.Now().Add(lingerTimeout))
			io.Copy(io.Discard, conn.NetConn())
		}
		s.end(ce.Code, ce.Reason, true, "")
	case errors.As(err, &pe):
		s.end(CloseAbnormal, "", false, "WebSocket protocol error: "+pe.Msg)
	default:
		s.mu.Lock()
		ended := s.ended
		s.mu.Unlock()
		if !ended {
			s.end(CloseAbnormal, "", false, "WebSocket disconnected without sending Close frame.")
		}
	}
}

// push queues an item for JS, or hands it to JS's waiting op at once. It reports
// false when the socket has ended (the item is dropped).
func (s *socket) push(it item) bool {
	s.mu.Lock()
	if s.ended {
		s.mu.Unlock()
		return false
	}
	s.pushLocked(it)
	s.mu.Unlock()
	return true
}

func (s *socket) pushLocked(it item) {
	s.inbox = append(s.inbox, it)
	s.inBytes += it.size()
	if w := s.waiter; w != nil {
		s.waiter = nil
		w.Resolve(s.nextLocked())
	}
}

// nextLocked is the answer to JS's wait on a non-empty inbox: the message itself
// when it is the only item, null for an event (JS reads it with op_ws_event), or
// the count of items JS should take with op_ws_take (in runs, takeRunLocked).
func (s *socket) nextLocked() op.Value {
	if len(s.inbox) > 1 {
		return op.Num(float64(len(s.inbox)))
	}
	return s.takeLocked()
}

// takeLocked pops the next message, or returns null (leaving it queued) for an
// event; undefined when the inbox is empty.
func (s *socket) takeLocked() op.Value {
	if len(s.inbox) == 0 {
		return op.Undefined()
	}
	it := s.inbox[0]
	if it.kind == itemEvent {
		return op.Null()
	}
	s.popLocked()
	if it.kind == itemText {
		return op.Str(it.text)
	}
	return op.Bytes(it.data)
}

// takeRunLocked pops up to max messages of the same kind from the head of the
// inbox, packed in one value so that a burst crosses into JS once: texts as one
// string of "<UTF-16 length>:<text>" records, binaries as one byte buffer of
// <4-byte big-endian length><bytes> records. It returns null for an event at the
// head (left queued: op_ws_event), undefined when the inbox is empty.
func (s *socket) takeRunLocked(max int) op.Value {
	if len(s.inbox) == 0 || max <= 0 {
		return op.Undefined()
	}
	kind := s.inbox[0].kind
	if kind == itemEvent {
		return op.Null()
	}
	n, size := 0, 0
	for n < len(s.inbox) && n < max && s.inbox[n].kind == kind {
		size += s.inbox[n].size() + 12
		n++
	}
	if kind == itemText {
		var b strings.Builder
		b.Grow(size)
		for i := 0; i < n; i++ {
			t := s.popLocked().text
			b.WriteString(strconv.Itoa(utf16Len(t)))
			b.WriteByte(':')
			b.WriteString(t)
		}
		return op.Str(b.String())
	}
	buf := make([]byte, 0, size)
	for i := 0; i < n; i++ {
		d := s.popLocked().data
		buf = binary.BigEndian.AppendUint32(buf, uint32(len(d)))
		buf = append(buf, d...)
	}
	return op.Bytes(buf)
}

// utf16Len is the length in UTF-16 code units (JS string length) of valid UTF-8.
func utf16Len(t string) int {
	n := 0
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c&0xc0 != 0x80 {
			n++
		}
		if c >= 0xf0 {
			n++ // a supplementary character is a surrogate pair
		}
	}
	return n
}

func (s *socket) popLocked() item {
	it := s.inbox[0]
	s.inbox[0] = item{}
	s.inbox = s.inbox[1:]
	if len(s.inbox) == 0 {
		s.inbox = nil
	}
	s.inBytes -= it.size()
	s.roomy.Broadcast()
	return it
}

// ---- writing ----

// send queues a message; it returns the bytes queued and not yet written.
func (s *socket) send(op Opcode, data []byte) int {
	s.mu.Lock()
	if s.ended || s.closeReq {
		n := s.outBytes
		s.mu.Unlock()
		return n
	}
	if s.outBytes+len(data) > maxOutbox {
		s.mu.Unlock()
		s.fail(fmt.Sprintf("the WebSocket's send buffer is full (%d MiB the peer has not read)", maxOutbox>>20))
		return 0
	}
	s.out = append(s.out, outItem{op: op, data: data})
	s.outBytes += len(data)
	n := s.outBytes
	s.mu.Unlock()
	s.signal()
	return n
}

func (s *socket) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// close starts the closing handshake: the Close frame goes out after what is
// queued. A client still connecting gives up instead (the connection fails). A peer
// that has not answered within closeTimeout (or not read what was queued before
// the Close frame) is disconnected: the close is then unclean.
func (s *socket) close(code int, reason string) {
	s.mu.Lock()
	if s.ended || s.closeReq {
		s.mu.Unlock()
		return
	}
	s.closeReq = true
	s.closeT = time.AfterFunc(closeTimeout, s.closeTimedOut)
	if s.client && s.conn == nil {
		cancel := s.cancel
		s.mu.Unlock()
		if cancel != nil {
			cancel()
		}
		return
	}
	s.out = append(s.out, outItem{op: OpClose, code: code, reason: reason})
	s.mu.Unlock()
	s.signal()
}

func (s *socket) closeTimedOut() {
	s.mu.Lock()
	conn := s.conn
	s.mu.Unlock()
	if conn != nil {
		conn.Close() // the reader sees it and ends the socket
		return
	}
	s.end(CloseAbnormal, "", false, "the WebSocket was closed before it was connected")
}

// fail closes the connection at once and ends the socket with an error.
func (s *socket) fail(msg string) {
	s.mu.Lock()
	conn := s.conn
	s.mu.Unlock()
	if conn != nil {
		conn.Close()
	}
	s.end(CloseAbnormal, "", false, msg)
}

func (s *socket) writeLoop(conn *Conn) {
	var batch []outItem
	for {
		select {
		case <-s.wake:
		case <-s.done:
			return
		}
		s.mu.Lock()
		if s.ended {
			s.mu.Unlock()
			return
		}
		batch, s.out = s.out, batch[:0]
		s.mu.Unlock()
		for i, it := range batch {
			var err error
			if it.op == OpClose {
				err = conn.WriteClose(it.code, it.reason)
				if err == ErrCloseSent {
					err = nil
				}
			} else {
				err = conn.WriteMessage(it.op, it.data)
				if err == ErrCloseSent {
					err = nil // the peer's Close frame was answered meanwhile
				}
				s.mu.Lock()
				s.outBytes -= len(it.data)
				s.mu.Unlock()
			}
			batch[i] = outItem{}
			if err != nil {
				conn.Close() // the reader sees it and ends the socket
				return
			}
		}
	}
}

// ---- the end ----

// end finishes the socket once: the connection is closed, what is still to be sent
// is dropped, an error event (when msg is set) and the close event are queued for
// JS, and the isolate is let go.
func (s *socket) end(code int, reason string, clean bool, msg string) {
	s.mu.Lock()
	if s.ended {
		s.mu.Unlock()
		return
	}
	if msg != "" {
		s.pushLocked(item{kind: itemEvent, text: "error\x00" + msg})
	}
	c := "0"
	if clean {
		c = "1"
	}
	s.pushLocked(item{kind: itemEvent, text: "close\x00" + strconv.Itoa(code) + "\x00" + reason + "\x00" + c})
	s.ended = true
	s.out = nil
	s.outBytes = 0
	for _, t := range []*time.Timer{s.attachT, s.closeT} {
		if t != nil {
			t.Stop()
		}
	}
	s.attachT, s.closeT = nil, nil
	conn := s.conn
	release := s.release
	s.release = nil
	s.roomy.Broadcast()
	s.mu.Unlock()
	s.signal()
	if conn != nil {
		conn.Close()
	}
	if release != nil {
		release()
	}
}

// ---- per-worker options ----

// WorkerOptions configure the WebSockets of one worker.
type WorkerOptions struct {
	// Control runs in net.Dialer.Control for every connection a worker's client
	// WebSocket opens, on the resolved address: the egress guard (server/egress's
	// Policy.Control). nil means the zero egress.Policy: public addresses only.
	Control func(network, address string, c syscall.RawConn) error
	// MaxMessage is the largest message a worker's sockets accept (default
	// DefaultMaxMessage); a bigger one closes the connection with code 1009.
	MaxMessage int64
}

var (
	optMu      sync.Mutex
	workerOpts = map[string]WorkerOptions{}
)

// Configure sets the options of the worker named name; sockets opened later use them.
func Configure(name string, o WorkerOptions) {
	optMu.Lock()
	workerOpts[name] = o
	optMu.Unlock()
}

// Forget drops the options of a worker that was removed.
func Forget(name string) {
	optMu.Lock()
	delete(workerOpts, name)
	optMu.Unlock()
}

var publicOnly = (&egress.Policy{}).Control

func optionsFor(w op.Worker) WorkerOptions {
	optMu.Lock()
	o := workerOpts[w.Name()]
	optMu.Unlock()
	if o.Control == nil {
		o.Control = publicOnly
	}
	if o.MaxMessage <= 0 {
		o.MaxMessage = DefaultMaxMessage
	}
	return o
}
