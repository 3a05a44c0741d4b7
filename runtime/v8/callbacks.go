package v8

/*
#include "glue.h"
*/
import "C"

import (
	"fmt"
	"runtime/cgo"
	"unsafe"
)

//export edgOp
func edgOp(handle C.uintptr_t, id C.int, nargs C.int) (rc C.int) {
	iso := cgo.Handle(handle).Value().(*Isolate)
	defer func() {
		if p := recover(); p != nil {
			iso.Panic = p
			rc = 2
		}
	}()
	iso.io.crossings++
	iso.io.ret.kind = C.EDG_UNDEFINED
	if iso.ops == nil {
		iso.ReturnError("Error", "edged: no ops in this isolate")
		return 1
	}
	iso.ops(iso, int(id))
	return 0
}

//export edgResolve
func edgResolve(handle C.uintptr_t, spec *C.char, speclen C.size_t, ref *C.char, reflen C.size_t) (rc C.int) {
	iso := cgo.Handle(handle).Value().(*Isolate)
	defer func() {
		if p := recover(); p != nil {
			iso.ReturnString(fmt.Sprintf("edged: module resolution panicked: %v", p))
			rc = 1
		}
	}()
	iso.io.crossings++
	specifier := string(unsafe.Slice((*byte)(unsafe.Pointer(spec)), int(speclen)))
	referrer := string(unsafe.Slice((*byte)(unsafe.Pointer(ref)), int(reflen)))
	if iso.resolve == nil {
		iso.ReturnString(fmt.Sprintf("Cannot find module '%s' imported from %s", specifier, referrer))
		return 1
	}
	name, source, err := iso.resolve(specifier, referrer)
	if err != nil {
		iso.ReturnString(err.Error())
		return 1
	}
	iso.ReturnString(name + "\x00" + source)
	return 0
}

//export edgNotify
func edgNotify(handle C.uintptr_t, delay C.double) {
	defer func() { recover() }() // the isolate may be closing
	h := cgo.Handle(handle)
	iso, ok := h.Value().(*Isolate)
	if !ok || iso.closed.Load() || iso.onTask == nil {
		return
	}
	iso.onTask(float64(delay))
}
