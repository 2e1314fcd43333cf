package greetings

import (
	"context"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"
)

// KeyPrefix starts the Redis key of each greeting's like counter: likes:Hello
// and likes:Howdy.
const KeyPrefix = "likes:"

// Key is the Redis key holding the likes of greeting g.
func Key(g string) string { return KeyPrefix + g }

// Store keeps the like counters in Redis, one key per greeting, so that they
// outlive the service and are shared by its replicas.
type Store struct {
	rdb *redis.Client
}

// NewStore uses rdb. go-redis retries failed commands with backoff and dials
// lazily, so a Redis that is not up yet only delays the first calls.
func NewStore(rdb *redis.Client) *Store { return &Store{rdb: rdb} }

// Likes reads both counters in one round trip; a missing key counts as zero.
func (s *Store) Likes(ctx context.Context) (Likes, error) {
	keys := make([]string, len(Names))
	for i, n := range Names {
		keys[i] = Key(n)
	}
	vals, err := s.rdb.MGet(ctx, keys...).Result()
	if err != nil {
		return nil, fmt.Errorf("read like counters: %w", err)
	}
	l := Likes{}
	for i, v := range vals {
		l[Names[i]] = 0
		str, ok := v.(string)
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(str, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("redis key %s holds %q, not a count", keys[i], str)
		}
		l[Names[i]] = n
	}
	return l, nil
}

// Like adds one like to greeting g and returns the counts after it.
func (s *Store) Like(ctx context.Context, g string) (Likes, error) {
	if _, err := s.rdb.Incr(ctx, Key(g)).Result(); err != nil {
		return nil, fmt.Errorf("count the like: %w", err)
	}
	return s.Likes(ctx)
}

// Ping reports whether Redis answers.
func (s *Store) Ping(ctx context.Context) error { return s.rdb.Ping(ctx).Err() }
