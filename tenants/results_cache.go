package tenants

import "sync"

// resultsCache keeps recently computed results, keyed by workspace, round and the workspace's
// latest seq. Every change that affects results writes an event, so a new seq means new data and
// an entry can never be stale. A full room refetching results after each answer then computes
// them once, not once per viewer. It is safe for concurrent use.
type resultsCache struct {
	mu      sync.Mutex
	entries map[resultsKey]*Results
	order   []resultsKey
}

type resultsKey struct {
	tenant, workspace string
	round             int
	seq               int64
}

// resultsCacheSize bounds the number of cached results (each is a few MB for a large workshop).
const resultsCacheSize = 16

func (c *resultsCache) get(tenant, workspace string, round int, seq int64) *Results {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.entries[resultsKey{tenant, workspace, round, seq}]
}

func (c *resultsCache) put(tenant, workspace string, round int, seq int64, r *Results) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[resultsKey]*Results{}
	}
	k := resultsKey{tenant, workspace, round, seq}
	if _, ok := c.entries[k]; ok {
		return
	}
	c.entries[k] = r
	c.order = append(c.order, k)
	for len(c.order) > resultsCacheSize {
		delete(c.entries, c.order[0])
		c.order = c.order[1:]
	}
}
