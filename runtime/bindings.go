package runtime

// Binding packages with Go ops register them in init; importing them here makes the
// op table complete before the snapshot is made. One line per package.
import (
	// _ "github.com/edged-dev/edged/bindings/<api>"
	_ "github.com/edged-dev/edged/bindings/cache"
	_ "github.com/edged-dev/edged/bindings/compression"
	_ "github.com/edged-dev/edged/bindings/crypto"
	_ "github.com/edged-dev/edged/bindings/d1"
	_ "github.com/edged-dev/edged/bindings/encoding"
	_ "github.com/edged-dev/edged/bindings/fetch"
	_ "github.com/edged-dev/edged/bindings/kv"
	_ "github.com/edged-dev/edged/bindings/websocket"
)
