package v8

// #include "glue.h"
import "C"

// LibraryPath is the path of the libnode file V8 was loaded from ("" if unknown).
func LibraryPath() string { return C.GoString(C.edg_library_path()) }
