// C interface between Go and our V8 glue. Everything is prefixed edg_ because libnode
// exports many symbols of its own. No C++ exception and no V8 fatal error crosses this
// boundary: every failure is an error code plus data in the isolate's io block.
#ifndef EDGED_GLUE_H
#define EDGED_GLUE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
	EDG_UNDEFINED = 0,
	EDG_NULL = 1,
	EDG_FALSE = 2,
	EDG_TRUE = 3,
	EDG_NUMBER = 4,
	EDG_STRING = 5,  // UTF-8 bytes at ptr/len
	EDG_BYTES = 6,   // raw bytes at ptr/len (a Uint8Array on the JS side)
	EDG_ERROR = 7,   // op results only: "Class\0message" at ptr/len
	EDG_OTHER = 8,   // a JS value with no flat form (objects, symbols...)
};

// Return codes of calls into JS.
enum {
	EDG_OK = 0,
	EDG_EXCEPTION = 1,   // a JS exception; details in io->err_*
	EDG_TERMINATED = 2,  // execution was terminated (limits, Terminate)
};

typedef struct {
	int32_t kind;
	int32_t pad;
	double num;
	const char* ptr;
	size_t len;
} edg_val;

// The io block is C memory shared by Go and the glue for one isolate. Go writes call
// arguments into vals/data before edg_call; the glue writes op arguments into vals
// (pointing into its own scratch memory) before calling Go's edgOp; Go writes op
// results into ret/retdata. Everything is owned by the isolate's single thread.
typedef struct {
	edg_val* vals;
	int cap_vals;
	int nvals;
	char* data;
	size_t cap_data;
	size_t ndata;

	edg_val ret;     // op result (Go → glue)
	char* retdata;   // bytes ret.ptr may point into
	size_t cap_retdata;

	edg_val result;  // result of edg_call (glue → Go), data valid until the next call

	// Details of the last exception (valid until the next call).
	const char* err_class; size_t err_class_len;
	const char* err_message; size_t err_message_len;
	const char* err_stack; size_t err_stack_len;
	const char* err_where; size_t err_where_len;  // "file:line:column" when known

	int64_t crossings;  // count of Go→C and C→Go transitions, for tests
} edg_io;

typedef struct edg_isolate edg_isolate;

typedef struct {
	size_t used_heap;
	size_t total_heap;
	size_t heap_limit;
	size_t external;
	size_t array_buffers;
	size_t native_contexts;
	size_t global_handles;
} edg_heap_stats;

void edg_init(const char* flags);
const char* edg_v8_version(void);
// The path of the shared library V8 was loaded from ("" if unknown).
const char* edg_library_path(void);

// Builds a startup snapshot from a bootstrap script whose completion value is a
// function (op, opTable) returning an array of hook functions. On success *out is a
// malloc'd blob the caller keeps for the life of the process. With shared, src must
// be ASCII and live for the process: it becomes the process's shared source (see
// edg_shared_source) and the snapshot refers to it instead of holding a copy.
int edg_snapshot_create(const char* src, size_t len, int shared, char** out, size_t* outlen, char** err);

// Sets the process's shared bootstrap source before isolates are made from a
// snapshot created with shared: the same text, in memory that lives for the process.
// Fails (non-zero) when another text is already set.
int edg_shared_source(const char* src, size_t len);

// Creates an isolate from a snapshot. handle is passed back to Go in op callbacks.
edg_isolate* edg_isolate_new(const char* snap, size_t snaplen, size_t heap_limit, uintptr_t handle, char** err);
edg_io* edg_isolate_io(edg_isolate* iso);
void edg_isolate_dispose(edg_isolate* iso);
void edg_isolate_terminate(edg_isolate* iso);  // thread-safe
int edg_isolate_oom(edg_isolate* iso);          // the near-heap-limit callback fired
void edg_isolate_heap_stats(edg_isolate* iso, edg_heap_stats* out);
void edg_isolate_low_memory(edg_isolate* iso);
// Runs the foreground tasks V8 posted for the isolate (see Options.OnTask), then a
// microtask checkpoint.
int edg_isolate_pump(edg_isolate* iso);

// Grows io->vals / io->data / io->retdata to at least the given capacities.
void edg_io_reserve(edg_isolate* iso, int vals, size_t data, size_t retdata);

// Calls hook number slot with io->vals[0..nvals) as arguments, then runs a
// microtask checkpoint. The result is in io->result.
int edg_call(edg_isolate* iso, int slot);

// Loads and evaluates an ES module named name with source src; then calls the
// moduleLoaded hook with its namespace and io->vals[0] (a string). Imports resolve
// through Go's edgResolve.
int edg_module_load(edg_isolate* iso, const char* name, size_t namelen, const char* src, size_t srclen);

// Runs a classic script named name, then calls the moduleLoaded hook with undefined
// and io->vals[0], as edg_module_load does.
int edg_script_load(edg_isolate* iso, const char* name, size_t namelen, const char* src, size_t srclen);

#ifdef __cplusplus
}
#endif

#endif
