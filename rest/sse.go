package rest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/stratakv/strata"
	"github.com/stratakv/strata/keyexpr"
)

// subscribe streams every change whose key the selector matches as
// Server-Sent Events, as Zenoh's plugin does: the event name is the kind
// ("PUT" or "DELETE") and the data the sample's JSON. A client that falls
// behind is told with an "error" event, and the stream ends; it never
// slows a writer.
func (h *Handler) subscribe(w http.ResponseWriter, r *http.Request, selector string) {
	if len(selector) > strata.MaxKeyLen {
		httpError(w, http.StatusBadRequest, "selector of %d bytes: the limit is %d bytes", len(selector), strata.MaxKeyLen)
		return
	}
	sel, err := keyexpr.Canonize(selector)
	if err != nil {
		httpError(w, http.StatusBadRequest, "invalid selector %q: %v", selector, err)
		return
	}
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // a subscription lasts
	hd := w.Header()
	hd.Set("Content-Type", "text/event-stream")
	hd.Set("Cache-Control", "no-cache")
	hd.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if err := rc.Flush(); err != nil {
		return
	}

	events := make(chan strata.Sample, subscriptionBuffer)
	lagged := make(chan struct{})
	var lag atomic.Bool
	stop := h.store.Watch(func(smp strata.Sample) {
		if lag.Load() || !matches(sel, smp) {
			return
		}
		smp.Value = append([]byte(nil), smp.Value...)
		select {
		case events <- smp:
		default:
			if lag.CompareAndSwap(false, true) {
				close(lagged)
			}
		}
	})
	defer stop()

	keepAlive := time.NewTicker(h.opts.KeepAlive)
	defer keepAlive.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-lagged:
			h.send(w, rc, "error", `"lagged: the client did not keep up; subscribe again"`)
			return
		case smp := <-events:
			b, _ := json.Marshal(itemOf(smp))
			if !h.send(w, rc, strings.ToUpper(smp.Kind.String()), string(b)) {
				return
			}
		case <-keepAlive.C:
			_ = rc.SetWriteDeadline(time.Now().Add(h.opts.RequestTimeout))
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil || rc.Flush() != nil {
				return
			}
		}
	}
}

// subscriptionBuffer is how many changes a subscription holds for a
// client before it counts as lagging.
const subscriptionBuffer = 1024

func matches(sel keyexpr.KeyExpr, smp strata.Sample) bool {
	if smp.Kind == strata.KindDelete && strings.ContainsAny(smp.Key, "*$") {
		e, err := keyexpr.Parse(smp.Key)
		return err == nil && e.Intersects(sel)
	}
	return sel.Matches(smp.Key)
}

// send writes one event within a write deadline; false if the client is
// gone.
func (h *Handler) send(w http.ResponseWriter, rc *http.ResponseController, event, data string) bool {
	_ = rc.SetWriteDeadline(time.Now().Add(h.opts.RequestTimeout))
	if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, data); err != nil {
		return false
	}
	return rc.Flush() == nil
}
