package runtime

import (
	"time"

	"golang.org/x/sys/unix"
)

// threadClock is the CPU-time clock of one OS thread, readable from any thread.
type threadClock int32

// currentThreadClock returns the clock of the calling thread, which must be locked.
func currentThreadClock() threadClock {
	tid := unix.Gettid()
	// Linux encodes a per-thread CPU clock as ((~tid) << 3) | CPUCLOCK_PERTHREAD | CPUCLOCK_SCHED.
	return threadClock((^int32(tid))<<3 | 4 | 2)
}

func (c threadClock) now() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(int32(c), &ts); err != nil {
		return 0
	}
	return time.Duration(ts.Nano())
}
