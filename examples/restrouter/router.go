package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/antientropy"
	"github.com/stratakv/strata/antientropy/httptransport"
	"github.com/stratakv/strata/hlc"
)

// Headers of the HTTP API.
const (
	// HeaderTimestamp carries a sample's HLC timestamp ("<u64>/<hex id>"):
	// in a PUT or DELETE request, the sample's own timestamp (Store.Apply);
	// in every answer about one sample, its timestamp.
	HeaderTimestamp = "X-Strata-Timestamp"
	// HeaderResult says what a write did: inserted, replaced, deleted or
	// outdated.
	HeaderResult = "X-Strata-Result"
)

// RouterOptions configure a Router. A nil *RouterOptions means the zero
// value, whose fields all have the defaults documented below.
type RouterOptions struct {
	// MaxValueSize bounds request bodies. Set it to the store's
	// Options.MaxValueSize. Zero: strata.DefaultMaxValueSize.
	MaxValueSize int
	// Replica, if not nil, is served under /replication/ (httptransport)
	// and its counters are part of /stats.
	Replica *antientropy.Replica
	// Context bounds the background work of the replication handler (the
	// alignments that incoming digests start). Nil: context.Background().
	Context context.Context
	// Logger receives failures that the client cannot be told about.
	// Nil: slog.Default().
	Logger *slog.Logger
	// Replication configures the /replication/ handler (its secret, client
	// certificate checks, limits). Nil: the defaults. Its Context and
	// Logger, if nil, are the ones above.
	Replication *httptransport.HandlerOptions
	// NoReplicationEndpoint leaves /replication/ out, when Replica
	// replicates over another transport.
	NoReplicationEndpoint bool
}

// Router is the http.Handler of the router: /kv/ over a Store, /stats, and
// /replication/ when it has a Replica. It is safe for concurrent use.
type Router struct {
	store       *strata.Store
	replica     *antientropy.Replica
	replication http.Handler // nil without a replica
	maxValue    int64
	logger      *slog.Logger
}

// NewRouter returns a Router over store. The store stays the caller's to
// close, after the server using the Router has shut down.
func NewRouter(store *strata.Store, opts *RouterOptions) *Router {
	var o RouterOptions
	if opts != nil {
		o = *opts
	}
	if o.MaxValueSize <= 0 {
		o.MaxValueSize = strata.DefaultMaxValueSize
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	rt := &Router{store: store, replica: o.Replica, maxValue: int64(o.MaxValueSize), logger: o.Logger}
	if o.Replica != nil && !o.NoReplicationEndpoint {
		var ho httptransport.HandlerOptions
		if o.Replication != nil {
			ho = *o.Replication
		}
		if ho.Context == nil {
			ho.Context = o.Context
		}
		if ho.Logger == nil {
			ho.Logger = o.Logger
		}
		rt.replication = httptransport.NewHandler(o.Replica, &ho)
	}
	return rt
}

// ServeHTTP routes by path prefix rather than with an http.ServeMux,
// which would clean paths and so rewrite keys such as "demo//a" (invalid,
// refused with 400) into other keys.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch p := r.URL.Path; {
	case strings.HasPrefix(p, "/kv/"):
		rt.serveKV(w, r, strings.TrimPrefix(p, "/kv/"))
	case p == "/stats":
		rt.serveStats(w, r)
	case strings.HasPrefix(p, "/replication/") && rt.replication != nil:
		rt.replication.ServeHTTP(w, r)
	default:
		http.NotFound(w, r)
	}
}

func (rt *Router) serveKV(w http.ResponseWriter, r *http.Request, key string) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		rt.get(w, r, key)
	case http.MethodPut:
		rt.put(w, r, key)
	case http.MethodDelete:
		rt.delete(w, r, key)
	default:
		w.Header().Set("Allow", "GET, HEAD, PUT, DELETE")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

// put stores the body under key, with the Content-Type as encoding, and
// the request's timestamp if it has one, else one of the store's clock,
// taken once the body has arrived (and stamped here so that it can be
// answered).
func (rt *Router) put(w http.ResponseWriter, r *http.Request, key string) {
	smp := strata.Sample{Key: key, Encoding: r.Header.Get("Content-Type"), Kind: strata.KindPut}
	ts, ok := rt.timestamp(w, r)
	if !ok {
		return
	}
	if r.ContentLength > rt.maxValue {
		http.Error(w, "value too large", http.StatusRequestEntityTooLarge)
		return
	}
	value, err := io.ReadAll(http.MaxBytesReader(w, r.Body, rt.maxValue))
	if err != nil {
		if _, tooLarge := errors.AsType[*http.MaxBytesError](err); tooLarge {
			http.Error(w, "value too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "reading the body: "+err.Error(), http.StatusBadRequest)
		return
	}
	if ts.IsZero() {
		ts = rt.store.Clock().Now()
	}
	smp.Value, smp.Timestamp = value, ts
	rt.apply(w, r, smp)
}

// delete deletes key, or every key of a wildcard expression, with the
// request's timestamp if it has one.
func (rt *Router) delete(w http.ResponseWriter, r *http.Request, keyExpr string) {
	ts, ok := rt.timestamp(w, r)
	if !ok {
		return
	}
	if !ts.IsZero() {
		rt.apply(w, r, strata.Sample{Key: keyExpr, Timestamp: ts, Kind: strata.KindDelete})
		return
	}
	ts, err := rt.store.Delete(r.Context(), keyExpr)
	if err != nil {
		rt.fail(w, err)
		return
	}
	w.Header().Set(HeaderTimestamp, ts.String())
	w.Header().Set(HeaderResult, strata.Deleted.String())
	w.WriteHeader(http.StatusNoContent)
}

// timestamp returns the request's X-Strata-Timestamp, zero without one;
// false after answering 400 for an invalid one.
func (rt *Router) timestamp(w http.ResponseWriter, r *http.Request) (hlc.Timestamp, bool) {
	s := r.Header.Get(HeaderTimestamp)
	if s == "" {
		return hlc.Timestamp{}, true
	}
	ts, err := hlc.Parse(s)
	if err != nil {
		http.Error(w, HeaderTimestamp+": "+err.Error(), http.StatusBadRequest)
		return hlc.Timestamp{}, false
	}
	return ts, true
}

// apply writes smp and answers with what it did: 201 inserted, 200
// replaced, 204 deleted, 409 outdated (final: a newer sample won).
func (rt *Router) apply(w http.ResponseWriter, r *http.Request, smp strata.Sample) {
	res, err := rt.store.Apply(r.Context(), smp)
	if err != nil {
		rt.fail(w, err)
		return
	}
	w.Header().Set(HeaderTimestamp, smp.Timestamp.String())
	w.Header().Set(HeaderResult, res.String())
	switch res {
	case strata.Inserted:
		w.WriteHeader(http.StatusCreated)
	case strata.Replaced:
		w.WriteHeader(http.StatusOK)
	case strata.Deleted:
		w.WriteHeader(http.StatusNoContent)
	default:
		http.Error(w, "outdated: the store holds a newer sample or delete", http.StatusConflict)
	}
}

// get answers a concrete key with its value, a wildcard selector with a
// JSON array of samples, streamed in key order.
func (rt *Router) get(w http.ResponseWriter, r *http.Request, selector string) {
	limit := -1
	if s := r.URL.Query().Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			http.Error(w, "limit: want a positive integer", http.StatusBadRequest)
			return
		}
		limit = n
	}
	wild := strings.ContainsAny(selector, "*$")
	n := 0
	for smp, err := range rt.store.Get(r.Context(), selector) {
		if err != nil {
			if n == 0 {
				rt.fail(w, err)
				return
			}
			// The status is sent: break the response rather than end a
			// valid-looking, truncated array.
			if r.Context().Err() == nil { // not merely a client gone
				rt.logger.Warn("restrouter: get failed while streaming", "selector", selector, "err", err)
			}
			panic(http.ErrAbortHandler)
		}
		if !wild {
			writeValue(w, smp)
			return
		}
		if n == limit {
			break
		}
		if n == 0 {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, "[\n")
		} else {
			io.WriteString(w, ",\n")
		}
		n++
		b, _ := json.Marshal(itemOf(smp)) // strings and a bool: cannot fail
		w.Write(b)
	}
	switch {
	case !wild:
		http.Error(w, "no value for "+selector, http.StatusNotFound)
	case n == 0:
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, "[]\n")
	default:
		io.WriteString(w, "\n]\n")
	}
}

func writeValue(w http.ResponseWriter, smp strata.Sample) {
	enc := smp.Encoding
	if enc == "" {
		enc = "application/octet-stream"
	}
	h := w.Header()
	h.Set("Content-Type", enc)
	h.Set("Content-Length", strconv.Itoa(len(smp.Value)))
	h.Set(HeaderTimestamp, smp.Timestamp.String())
	w.Write(smp.Value)
}

// stats is the JSON of /stats.
type stats struct {
	Store   strata.Stats       `json:"store"`
	Replica *antientropy.Stats `json:"replica,omitempty"`
}

func (rt *Router) serveStats(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	st := stats{Store: rt.store.Stats()}
	if rt.replica != nil {
		rs := rt.replica.Stats()
		st.Replica = &rs
	}
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(st)
}

// fail answers a store error, classified with errors.Is in this one place.
func (rt *Router) fail(w http.ResponseWriter, err error) {
	code := http.StatusInternalServerError
	switch {
	case errors.Is(err, strata.ErrInvalidKey), errors.Is(err, strata.ErrInvalidSample), errors.Is(err, hlc.ErrDrift):
		code = http.StatusBadRequest
	case errors.Is(err, strata.ErrOutOfScope), errors.Is(err, strata.ErrReadOnly):
		code = http.StatusForbidden
	case errors.Is(err, strata.ErrTooLarge):
		code = http.StatusRequestEntityTooLarge
	case errors.Is(err, strata.ErrClosed), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		code = http.StatusServiceUnavailable
	}
	if code == http.StatusInternalServerError {
		rt.logger.Error("restrouter: store error", "err", err)
	}
	http.Error(w, err.Error(), code)
}
