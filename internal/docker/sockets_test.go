package docker

import (
	"slices"
	"testing"
)

func TestParseProcNetTCP(t *testing.T) {
	// From a container with one server on 127.0.0.1:8080 and one on [::]:9090,
	// plus an established connection that is not listening.
	const text = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000 65534        0 51190 1 0000000000000000 100 0 0 10 0
   1: 0200A8C0:1F90 0100A8C0:D431 01 00000000:00000000 00:00000000 00000000 65534        0 0 1 0000000000000000 20 4 0 10 -1
  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:2382 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000 65534        0 51191 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000001000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000 65534        0 51192 1 0000000000000000 100 0 0 10 0
   2: 00000000000000000000000001000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000 65534        0 51193 1 0000000000000000 100 0 0 10 0
garbage line
`
	var got []string
	for _, s := range ParseProcNetTCP(text) {
		got = append(got, s.String())
		if want := s.String() != "[::]:9090"; s.Loopback() != want {
			t.Errorf("%s: Loopback() = %v", s, s.Loopback())
		}
	}
	want := []string{"127.0.0.1:8080", "[::]:9090", "[::1]:80"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
