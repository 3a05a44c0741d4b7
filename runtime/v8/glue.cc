// The V8 side of edged's binding. One edg_isolate = one v8::Isolate with one context,
// used by one OS thread (the Go loop goroutine locked to it); only terminate may come
// from another thread.
#include "glue.h"

#include <libplatform/libplatform.h>
#include <v8.h>

#include <dlfcn.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

static_assert(V8_MAJOR_VERSION == 10 && V8_MINOR_VERSION == 2,
              "edged builds against V8 10.2 from Debian's libnode (see DESIGN.md); "
              "the /usr/include/node headers of a nodejs package are the wrong V8");

using namespace v8;

extern "C" {
// Implemented in Go (callbacks.go).
extern int edgOp(uintptr_t handle, int id, int nargs);
extern int edgResolve(uintptr_t handle, char* spec, size_t speclen, char* referrer, size_t reflen);
extern void edgNotify(uintptr_t handle, double delay_seconds);
}

namespace {

enum HookSlot {
	kHookResolveOps = 0,
	kHookModuleLoaded = 1,
	kHookPromiseReject = 2,
	kHookFetch = 3,
	kHookTimers = 4,
	kHookMakeError = 5,
	kHookFlushRejections = 6,
	kHookScheduled = 7,
	kHookContextReady = 8,
	kHookCount = 16,
};

std::once_flag g_init_once;

// Isolates whose loops want to hear about foreground tasks, by Isolate*.
std::mutex g_live_mu;
std::map<Isolate*, uintptr_t> g_live;

// Tells the isolate's loop (through Go) that a foreground task was posted, so it
// pumps the message loop: WebAssembly's async compilation, Atomics.waitAsync and
// FinalizationRegistry cleanup resolve their work that way. Called from any thread.
void NotifyLoop(Isolate* isolate, double delay) {
	uintptr_t handle = 0;
	{
		std::lock_guard<std::mutex> lock(g_live_mu);
		auto it = g_live.find(isolate);
		if (it == g_live.end()) return;
		handle = it->second;
	}
	edgNotify(handle, delay);
}

class NotifyingRunner : public TaskRunner {
 public:
	NotifyingRunner(std::shared_ptr<TaskRunner> inner, Isolate* isolate) : inner_(std::move(inner)), isolate_(isolate) {}
	void PostTask(std::unique_ptr<Task> task) override {
		inner_->PostTask(std::move(task));
		NotifyLoop(isolate_, 0);
	}
	void PostNonNestableTask(std::unique_ptr<Task> task) override {
		inner_->PostNonNestableTask(std::move(task));
		NotifyLoop(isolate_, 0);
	}
	void PostDelayedTask(std::unique_ptr<Task> task, double delay) override {
		inner_->PostDelayedTask(std::move(task), delay);
		NotifyLoop(isolate_, delay);
	}
	void PostNonNestableDelayedTask(std::unique_ptr<Task> task, double delay) override {
		inner_->PostNonNestableDelayedTask(std::move(task), delay);
		NotifyLoop(isolate_, delay);
	}
	void PostIdleTask(std::unique_ptr<IdleTask> task) override { inner_->PostIdleTask(std::move(task)); }
	bool IdleTasksEnabled() override { return inner_->IdleTasksEnabled(); }
	bool NonNestableTasksEnabled() const override { return inner_->NonNestableTasksEnabled(); }
	bool NonNestableDelayedTasksEnabled() const override { return inner_->NonNestableDelayedTasksEnabled(); }

 private:
	std::shared_ptr<TaskRunner> inner_;
	Isolate* isolate_;
};

// EdgPlatform is V8's default platform with foreground task runners that notify
// the owning loop.
class EdgPlatform : public Platform {
 public:
	explicit EdgPlatform(std::unique_ptr<Platform> inner) : inner_(std::move(inner)) {}
	Platform* inner() { return inner_.get(); }
	void Forget(Isolate* isolate) {
		std::lock_guard<std::mutex> lock(mu_);
		runners_.erase(isolate);
	}

	PageAllocator* GetPageAllocator() override { return inner_->GetPageAllocator(); }
	void OnCriticalMemoryPressure() override { inner_->OnCriticalMemoryPressure(); }
	bool OnCriticalMemoryPressure(size_t length) override { return inner_->OnCriticalMemoryPressure(length); }
	int NumberOfWorkerThreads() override { return inner_->NumberOfWorkerThreads(); }
	std::shared_ptr<TaskRunner> GetForegroundTaskRunner(Isolate* isolate) override {
		std::lock_guard<std::mutex> lock(mu_);
		auto& r = runners_[isolate];
		if (!r) r = std::make_shared<NotifyingRunner>(inner_->GetForegroundTaskRunner(isolate), isolate);
		return r;
	}
	void CallOnWorkerThread(std::unique_ptr<Task> task) override { inner_->CallOnWorkerThread(std::move(task)); }
	void CallBlockingTaskOnWorkerThread(std::unique_ptr<Task> task) override {
		inner_->CallBlockingTaskOnWorkerThread(std::move(task));
	}
	void CallLowPriorityTaskOnWorkerThread(std::unique_ptr<Task> task) override {
		inner_->CallLowPriorityTaskOnWorkerThread(std::move(task));
	}
	void CallDelayedOnWorkerThread(std::unique_ptr<Task> task, double delay) override {
		inner_->CallDelayedOnWorkerThread(std::move(task), delay);
	}
	bool IdleTasksEnabled(Isolate* isolate) override { return inner_->IdleTasksEnabled(isolate); }
	std::unique_ptr<JobHandle> PostJob(TaskPriority priority, std::unique_ptr<JobTask> job) override {
		return inner_->PostJob(priority, std::move(job));
	}
	double MonotonicallyIncreasingTime() override { return inner_->MonotonicallyIncreasingTime(); }
	double CurrentClockTimeMillis() override { return inner_->CurrentClockTimeMillis(); }
	StackTracePrinter GetStackTracePrinter() override { return inner_->GetStackTracePrinter(); }
	TracingController* GetTracingController() override { return inner_->GetTracingController(); }

 private:
	std::unique_ptr<Platform> inner_;
	std::mutex mu_;
	std::map<Isolate*, std::shared_ptr<NotifyingRunner>> runners_;
};

EdgPlatform* g_platform = nullptr;

// Counts ArrayBuffer memory per isolate and refuses allocations past the limit, so
// that a single huge ArrayBuffer becomes a RangeError instead of an OOM.
class LimitedAllocator : public ArrayBuffer::Allocator {
 public:
	explicit LimitedAllocator(size_t limit) : limit_(limit) {}
	void* Allocate(size_t length) override {
		if (!Reserve(length)) return nullptr;
		void* p = calloc(length ? length : 1, 1);
		if (p == nullptr) used_ -= length;
		return p;
	}
	void* AllocateUninitialized(size_t length) override {
		if (!Reserve(length)) return nullptr;
		void* p = malloc(length ? length : 1);
		if (p == nullptr) used_ -= length;
		return p;
	}
	void Free(void* data, size_t length) override {
		free(data);
		used_ -= length;
	}
	size_t used() const { return used_.load(); }
	bool Fits(size_t length) const { return used_.load() + length <= limit_; }

 private:
	bool Reserve(size_t length) {
		size_t now = used_.fetch_add(length) + length;
		if (now > limit_) {
			used_ -= length;
			return false;
		}
		return true;
	}
	size_t limit_;
	std::atomic<size_t> used_{0};
};

// The bootstrap's source text, shared by every isolate of the process. A snapshot
// made from an external string whose resource is listed in external_refs keeps a
// reference to the resource instead of a copy of the text, so each isolate's heap
// holds a small string header where it would hold ~0.5 MB of source (needed for lazy
// compilation and Function.prototype.toString). The text lives in C memory for the
// life of the process; Dispose never frees it.
class SharedSource final : public String::ExternalOneByteStringResource {
   public:
	const char* data() const override { return data_; }
	size_t length() const override { return len_; }
	void Dispose() override {}
	bool Set(const char* d, size_t n) {
		if (data_ != nullptr) return data_ == d && len_ == n;
		data_ = d;
		len_ = n;
		return true;
	}
	bool IsSet() const { return data_ != nullptr; }

   private:
	const char* data_ = nullptr;
	size_t len_ = 0;
};

SharedSource g_shared_source;

intptr_t external_refs[4];

void OpCallback(const FunctionCallbackInfo<Value>& info);

// detach(arrayBuffer): detaches it (structuredClone's transfer, ArrayBuffer
// transfer; V8 10.2 has no ArrayBuffer.prototype.transfer). Returns false when the
// buffer cannot be detached (a WebAssembly memory, a SharedArrayBuffer...).
void DetachCallback(const FunctionCallbackInfo<Value>& info) {
	if (info.Length() < 1 || !info[0]->IsArrayBuffer()) {
		info.GetReturnValue().Set(false);
		return;
	}
	Local<ArrayBuffer> ab = info[0].As<ArrayBuffer>();
	if (!ab->IsDetachable()) {
		info.GetReturnValue().Set(false);
		return;
	}
	ab->Detach();
	info.GetReturnValue().Set(true);
}

}  // namespace

struct edg_isolate {
	Isolate* isolate = nullptr;
	Global<Context> context;
	Global<Function> hooks[kHookCount];
	uintptr_t handle = 0;
	edg_io io{};
	std::unique_ptr<LimitedAllocator> allocator;
	std::atomic<bool> oom{false};
	size_t heap_limit = 0;
	bool rejections = false;  // a promise was rejected with no handler this turn

	std::string opscratch;    // UTF-8 of string op arguments
	std::string resultdata;   // bytes of io.result
	std::string err_class, err_message, err_stack, err_where;

	std::map<std::string, Global<Module>> modules;  // by resolved name
	std::map<int, std::string> module_names;        // identity hash → name
};

namespace {

inline edg_isolate* FromIsolate(Isolate* isolate) {
	return static_cast<edg_isolate*>(isolate->GetData(0));
}

void Grow(void** p, size_t* cap, size_t want, size_t elem) {
	if (*cap >= want) return;
	size_t n = *cap ? *cap : 64;
	while (n < want) n *= 2;
	*p = realloc(*p, n * elem);
	*cap = n;
}

std::string ToUtf8(Isolate* isolate, Local<Value> v) {
	if (v.IsEmpty()) return std::string();
	String::Utf8Value s(isolate, v);
	return *s ? std::string(*s, s.length()) : std::string();
}

// Converts a JS value to an edg_val. Strings are written into scratch at offset off;
// byte views point straight into their backing store (valid during the call only).
// Returns false for values with no flat form.
void ToVal(Isolate* isolate, Local<Value> v, edg_val* out, std::string* scratch, size_t* offsets, int idx) {
	out->ptr = nullptr;
	out->len = 0;
	if (v->IsString()) {
		Local<String> s = v.As<String>();
		size_t n = s->Utf8Length(isolate);
		offsets[idx] = scratch->size();
		scratch->resize(scratch->size() + n);
		s->WriteUtf8(isolate, &(*scratch)[offsets[idx]], static_cast<int>(n), nullptr,
		             String::NO_NULL_TERMINATION | String::REPLACE_INVALID_UTF8);
		out->kind = EDG_STRING;
		out->len = n;
	} else if (v->IsNumber()) {
		out->kind = EDG_NUMBER;
		out->num = v.As<Number>()->Value();
	} else if (v->IsUndefined()) {
		out->kind = EDG_UNDEFINED;
	} else if (v->IsNull()) {
		out->kind = EDG_NULL;
	} else if (v->IsBoolean()) {
		out->kind = v->IsTrue() ? EDG_TRUE : EDG_FALSE;
	} else if (v->IsArrayBufferView()) {
		Local<ArrayBufferView> view = v.As<ArrayBufferView>();
		void* data = view->Buffer()->Data();
		out->kind = EDG_BYTES;
		out->ptr = data ? static_cast<char*>(data) + view->ByteOffset() : nullptr;
		out->len = view->ByteLength();
	} else if (v->IsArrayBuffer()) {
		Local<ArrayBuffer> ab = v.As<ArrayBuffer>();
		out->kind = EDG_BYTES;
		out->ptr = static_cast<char*>(ab->Data());
		out->len = ab->ByteLength();
	} else if (v->IsBigInt()) {
		out->kind = EDG_NUMBER;
		out->num = static_cast<double>(v.As<BigInt>()->Int64Value());
	} else {
		out->kind = EDG_OTHER;
	}
}

Local<Value> FromVal(Isolate* isolate, const edg_val& v) {
	switch (v.kind) {
		case EDG_NULL:
			return Null(isolate);
		case EDG_FALSE:
			return False(isolate);
		case EDG_TRUE:
			return True(isolate);
		case EDG_NUMBER:
			return Number::New(isolate, v.num);
		case EDG_STRING:
		case EDG_ERROR: {
			Local<String> s;
			if (!String::NewFromUtf8(isolate, v.ptr, NewStringType::kNormal, static_cast<int>(v.len)).ToLocal(&s))
				return Undefined(isolate);
			return s;
		}
		case EDG_BYTES: {
			// ArrayBuffer::New is fatal when the allocator refuses; bytes from Go that
			// do not fit the isolate's budget get a plain malloc'd store instead.
			Local<ArrayBuffer> ab;
			edg_isolate* e = static_cast<edg_isolate*>(isolate->GetData(0));
			if (e->allocator->Fits(v.len)) {
				ab = ArrayBuffer::New(isolate, v.len);
				if (v.len) memcpy(ab->Data(), v.ptr, v.len);
			} else {
				void* data = malloc(v.len ? v.len : 1);
				if (v.len) memcpy(data, v.ptr, v.len);
				ab = ArrayBuffer::New(isolate, ArrayBuffer::NewBackingStore(
				                                   data, v.len, [](void* d, size_t, void*) { free(d); }, nullptr));
			}
			return Uint8Array::New(ab, 0, v.len);
		}
		default:
			return Undefined(isolate);
	}
}

// Records the exception caught by tc into the io block.
void RecordException(edg_isolate* e, Local<Context> ctx, TryCatch& tc) {
	Isolate* isolate = e->isolate;
	Local<Value> ex = tc.Exception();
	e->err_class.clear();
	e->err_message.clear();
	e->err_stack.clear();
	e->err_where.clear();
	if (!ex.IsEmpty() && ex->IsObject()) {
		Local<Object> obj = ex.As<Object>();
		Local<Value> name, message, stack;
		TryCatch inner(isolate);
		if (obj->Get(ctx, String::NewFromUtf8Literal(isolate, "name")).ToLocal(&name) && name->IsString())
			e->err_class = ToUtf8(isolate, name);
		if (obj->Get(ctx, String::NewFromUtf8Literal(isolate, "message")).ToLocal(&message) && message->IsString())
			e->err_message = ToUtf8(isolate, message);
		if (obj->Get(ctx, String::NewFromUtf8Literal(isolate, "stack")).ToLocal(&stack) && stack->IsString())
			e->err_stack = ToUtf8(isolate, stack);
	}
	if (e->err_message.empty() && !ex.IsEmpty() && e->err_class.empty()) {
		TryCatch inner(isolate);
		e->err_message = ToUtf8(isolate, ex);
	}
	Local<Message> msg = tc.Message();
	if (!msg.IsEmpty()) {
		// An exception thrown from outside any script (the module resolver's) has no
		// resource name and no position.
		Local<Value> resource = msg->GetScriptResourceName();
		int line = msg->GetLineNumber(ctx).FromMaybe(0);
		if (!resource->IsUndefined() && line > 0) {
			int col = msg->GetStartColumn(ctx).FromMaybe(-1) + 1;
			e->err_where = ToUtf8(isolate, resource) + ":" + std::to_string(line) + ":" + std::to_string(col);
		}
		if (e->err_message.empty() && e->err_class.empty()) e->err_message = ToUtf8(isolate, msg->Get());
	}
	edg_io& io = e->io;
	io.err_class = e->err_class.data();
	io.err_class_len = e->err_class.size();
	io.err_message = e->err_message.data();
	io.err_message_len = e->err_message.size();
	io.err_stack = e->err_stack.data();
	io.err_stack_len = e->err_stack.size();
	io.err_where = e->err_where.data();
	io.err_where_len = e->err_where.size();
}

void Checkpoint(edg_isolate* e, Local<Context> ctx);

// Entry is everything a call into the isolate holds for its length: the lock (the
// calling goroutine's thread may differ from the last call's), the isolate and
// handle scopes, and the context.
struct Entry {
	Locker lk;
	Isolate::Scope is;
	HandleScope hs;
	Local<Context> ctx;
	Context::Scope cs;
	explicit Entry(edg_isolate* e)
	    : lk(e->isolate), is(e->isolate), hs(e->isolate), ctx(e->context.Get(e->isolate)), cs(ctx) {}
};

// Records an error that is not a JS exception (a glue-level failure).
void RecordError(edg_isolate* e, const std::string& cls, const std::string& message) {
	e->err_class = cls;
	e->err_message = message;
	e->err_stack.clear();
	e->err_where.clear();
	edg_io& io = e->io;
	io.err_class = e->err_class.data();
	io.err_class_len = e->err_class.size();
	io.err_message = e->err_message.data();
	io.err_message_len = e->err_message.size();
	io.err_stack_len = io.err_where_len = 0;
}

// Calls the moduleLoaded hook with the namespace (undefined for classic scripts) and
// the extra argument, then a checkpoint; the end of both load paths.
int FinishLoad(edg_isolate* e, Local<Context> ctx, TryCatch& tc, Local<Value> ns, Local<Value> extra) {
	Isolate* isolate = e->isolate;
	Local<Function> loaded = e->hooks[kHookModuleLoaded].Get(isolate);
	if (!loaded.IsEmpty()) {
		Local<Value> argv[2] = {ns, extra};
		if (loaded->Call(ctx, Undefined(isolate), 2, argv).IsEmpty()) {
			if (tc.HasTerminated() || isolate->IsExecutionTerminating()) return EDG_TERMINATED;
			RecordException(e, ctx, tc);
			return EDG_EXCEPTION;
		}
		Checkpoint(e, ctx);
	}
	return isolate->IsExecutionTerminating() ? EDG_TERMINATED : EDG_OK;
}

void OpCallback(const FunctionCallbackInfo<Value>& info) {
	Isolate* isolate = info.GetIsolate();
	edg_isolate* e = FromIsolate(isolate);
	int n = info.Length() - 1;
	if (n < 0 || !info[0]->IsInt32()) {
		isolate->ThrowException(Exception::TypeError(String::NewFromUtf8Literal(isolate, "op: bad op id")));
		return;
	}
	int id = info[0].As<Int32>()->Value();
	edg_io& io = e->io;
	if (n > io.cap_vals) {
		size_t cap = io.cap_vals;
		Grow(reinterpret_cast<void**>(&io.vals), &cap, n, sizeof(edg_val));
		io.cap_vals = static_cast<int>(cap);
	}
	size_t offsets[32];
	if (n > 32) n = 32;
	e->opscratch.clear();
	for (int i = 0; i < n; i++) ToVal(isolate, info[i + 1], &io.vals[i], &e->opscratch, offsets, i);
	for (int i = 0; i < n; i++)
		if (io.vals[i].kind == EDG_STRING) io.vals[i].ptr = e->opscratch.data() + offsets[i];
	io.nvals = n;
	io.ret.kind = EDG_UNDEFINED;
	io.crossings++;
	int rc = edgOp(e->handle, id, n);
	if (rc == 2) {  // Go condemned the isolate (a panic in an op)
		isolate->TerminateExecution();
		return;
	}
	if (rc == 1 || io.ret.kind == EDG_ERROR) {
		Local<Context> ctx = isolate->GetCurrentContext();
		std::string s(io.ret.ptr ? io.ret.ptr : "", io.ret.len);
		size_t nul = s.find('\0');
		std::string cls = nul == std::string::npos ? "Error" : s.substr(0, nul);
		std::string message = nul == std::string::npos ? s : s.substr(nul + 1);
		Local<Function> make = e->hooks[kHookMakeError].Get(isolate);
		Local<Value> argv[2] = {
		    String::NewFromUtf8(isolate, cls.data(), NewStringType::kNormal, cls.size()).ToLocalChecked(),
		    String::NewFromUtf8(isolate, message.data(), NewStringType::kNormal, message.size()).ToLocalChecked()};
		Local<Value> err;
		if (make.IsEmpty() || !make->Call(ctx, Undefined(isolate), 2, argv).ToLocal(&err)) {
			err = Exception::Error(argv[1].As<String>());
		}
		isolate->ThrowException(err);
		return;
	}
	if (io.ret.kind != EDG_UNDEFINED) info.GetReturnValue().Set(FromVal(isolate, io.ret));
}

void OnPromiseReject(PromiseRejectMessage message) {
	Local<Promise> promise = message.GetPromise();
	Isolate* isolate = promise->GetIsolate();
	edg_isolate* e = FromIsolate(isolate);
	if (e == nullptr) return;
	int type;
	switch (message.GetEvent()) {
		case kPromiseRejectWithNoHandler:
			type = 0;
			e->rejections = true;
			break;
		case kPromiseHandlerAddedAfterReject:
			type = 1;
			break;
		default:
			return;  // resolve/reject after resolved: nothing to report
	}
	Local<Function> hook = e->hooks[kHookPromiseReject].Get(isolate);
	if (hook.IsEmpty()) return;
	Local<Value> reason = message.GetValue();
	if (reason.IsEmpty()) reason = Undefined(isolate);
	Local<Value> argv[3] = {Integer::New(isolate, type), promise, reason};
	TryCatch tc(isolate);
	(void)hook->Call(isolate->GetCurrentContext(), Undefined(isolate), 3, argv);
}

size_t NearHeapLimit(void* data, size_t current, size_t initial) {
	edg_isolate* e = static_cast<edg_isolate*>(data);
	e->oom = true;
	e->isolate->TerminateExecution();
	// Room for the stack to unwind; the isolate is discarded afterwards.
	return current + current / 2 + (64 << 20);
}

// Runs microtasks, then reports rejections left unhandled, until quiet.
void Checkpoint(edg_isolate* e, Local<Context> ctx) {
	Isolate* isolate = e->isolate;
	for (int i = 0; i < 4; i++) {
		isolate->PerformMicrotaskCheckpoint();
		if (isolate->IsExecutionTerminating() || !e->rejections) return;
		e->rejections = false;
		Local<Function> flush = e->hooks[kHookFlushRejections].Get(isolate);
		if (flush.IsEmpty()) return;
		TryCatch tc(isolate);
		(void)flush->Call(ctx, Undefined(isolate), 0, nullptr);
	}
}

MaybeLocal<Module> ResolveCallback(Local<Context> ctx, Local<String> specifier, Local<FixedArray> assertions,
                                   Local<Module> referrer);

MaybeLocal<Module> CompileModule(edg_isolate* e, const std::string& name, const char* src, size_t len) {
	Isolate* isolate = e->isolate;
	auto it = e->modules.find(name);
	if (it != e->modules.end()) return it->second.Get(isolate);
	Local<String> source_str, name_str;
	if (!String::NewFromUtf8(isolate, src, NewStringType::kNormal, static_cast<int>(len)).ToLocal(&source_str) ||
	    !String::NewFromUtf8(isolate, name.data(), NewStringType::kNormal, static_cast<int>(name.size()))
	         .ToLocal(&name_str)) {
		isolate->ThrowException(Exception::RangeError(String::NewFromUtf8Literal(isolate, "module source too large")));
		return MaybeLocal<Module>();
	}
	ScriptOrigin origin(isolate, name_str, 0, 0, false, -1, Local<Value>(), false, false, true);
	ScriptCompiler::Source source(source_str, origin);
	Local<Module> mod;
	if (!ScriptCompiler::CompileModule(isolate, &source).ToLocal(&mod)) return MaybeLocal<Module>();
	e->modules[name].Reset(isolate, mod);
	e->module_names[mod->GetIdentityHash()] = name;
	return mod;
}

MaybeLocal<Module> ResolveCallback(Local<Context> ctx, Local<String> specifier, Local<FixedArray> assertions,
                                   Local<Module> referrer) {
	Isolate* isolate = ctx->GetIsolate();
	edg_isolate* e = FromIsolate(isolate);
	std::string spec = ToUtf8(isolate, specifier);
	std::string ref;
	auto it = e->module_names.find(referrer->GetIdentityHash());
	if (it != e->module_names.end()) ref = it->second;
	e->io.ret.kind = EDG_UNDEFINED;
	e->io.crossings++;
	int rc = edgResolve(e->handle, &spec[0], spec.size(), &ref[0], ref.size());
	std::string out(e->io.ret.ptr ? e->io.ret.ptr : "", e->io.ret.len);
	if (rc != 0) {
		std::string msg = out.empty() ? "Cannot find module '" + spec + "' imported from " + ref : out;
		isolate->ThrowException(Exception::Error(
		    String::NewFromUtf8(isolate, msg.data(), NewStringType::kNormal, msg.size()).ToLocalChecked()));
		return MaybeLocal<Module>();
	}
	size_t nul = out.find('\0');
	if (nul == std::string::npos) nul = out.size();
	std::string name = out.substr(0, nul);
	std::string src = nul < out.size() ? out.substr(nul + 1) : std::string();
	return CompileModule(e, name, src.data(), src.size());
}

MaybeLocal<Promise> DynamicImport(Local<Context> ctx, Local<Data> host_options, Local<Value> resource_name,
                                  Local<String> specifier, Local<FixedArray> assertions) {
	Isolate* isolate = ctx->GetIsolate();
	edg_isolate* e = FromIsolate(isolate);
	Local<Promise::Resolver> resolver;
	if (!Promise::Resolver::New(ctx).ToLocal(&resolver)) return MaybeLocal<Promise>();
	std::string spec = ToUtf8(isolate, specifier);
	std::string ref = ToUtf8(isolate, resource_name);
	e->io.ret.kind = EDG_UNDEFINED;
	e->io.crossings++;
	int rc = edgResolve(e->handle, &spec[0], spec.size(), &ref[0], ref.size());
	std::string out(e->io.ret.ptr ? e->io.ret.ptr : "", e->io.ret.len);
	TryCatch tc(isolate);
	Local<Module> mod;
	if (rc != 0) {
		std::string msg = out.empty() ? "Cannot find module '" + spec + "'" : out;
		(void)resolver->Reject(ctx, Exception::TypeError(String::NewFromUtf8(isolate, msg.data(), NewStringType::kNormal,
		                                                                    msg.size())
		                                                     .ToLocalChecked()));
		return resolver->GetPromise();
	}
	size_t nul = out.find('\0');
	if (nul == std::string::npos) nul = out.size();
	std::string name = out.substr(0, nul);
	std::string src = nul < out.size() ? out.substr(nul + 1) : std::string();
	Local<Value> result;
	if (!CompileModule(e, name, src.data(), src.size()).ToLocal(&mod) ||
	    !mod->InstantiateModule(ctx, ResolveCallback).FromMaybe(false) || !mod->Evaluate(ctx).ToLocal(&result)) {
		if (tc.HasTerminated()) return MaybeLocal<Promise>();
		(void)resolver->Reject(ctx, tc.Exception());
		return resolver->GetPromise();
	}
	// Resolve with the namespace once evaluation (which may await) settles.
	Local<Promise> eval = result.As<Promise>();
	if (eval->State() == Promise::kRejected) {
		(void)resolver->Reject(ctx, eval->Result());
	} else {
		(void)resolver->Resolve(ctx, mod->GetModuleNamespace());
	}
	return resolver->GetPromise();
}

void InitImportMeta(Local<Context> ctx, Local<Module> mod, Local<Object> meta) {
	Isolate* isolate = ctx->GetIsolate();
	edg_isolate* e = FromIsolate(isolate);
	auto it = e->module_names.find(mod->GetIdentityHash());
	if (it == e->module_names.end()) return;
	(void)meta->CreateDataProperty(
	    ctx, String::NewFromUtf8Literal(isolate, "url"),
	    String::NewFromUtf8(isolate, it->second.data(), NewStringType::kNormal, it->second.size()).ToLocalChecked());
}

}  // namespace

extern "C" {

void edg_init(const char* flags) {
	std::call_once(g_init_once, [flags] {
		// The snapshot's checksum is checked once by the Go side when it reads the
		// cached blob; V8 would otherwise check it again for every new isolate.
		V8::SetFlagsFromString("--no-verify-snapshot-checksum");
		if (flags && *flags) V8::SetFlagsFromString(flags);
		g_platform = new EdgPlatform(platform::NewDefaultPlatform(2));
		V8::InitializePlatform(g_platform);
		V8::Initialize();
		external_refs[0] = reinterpret_cast<intptr_t>(&OpCallback);
		external_refs[1] = reinterpret_cast<intptr_t>(&DetachCallback);
		external_refs[2] = reinterpret_cast<intptr_t>(&g_shared_source);
		external_refs[3] = 0;
	});
}

const char* edg_v8_version(void) { return V8::GetVersion(); }

const char* edg_library_path(void) {
	Dl_info info;
	if (dladdr(reinterpret_cast<void*>(&V8::GetVersion), &info) == 0 || info.dli_fname == nullptr) return "";
	return info.dli_fname;
}

int edg_shared_source(const char* src, size_t len) { return g_shared_source.Set(src, len) ? 0 : 1; }

int edg_snapshot_create(const char* src, size_t len, int shared, char** out, size_t* outlen, char** err) {
	if (shared && !g_shared_source.Set(src, len)) {
		*err = strdup("the process's shared bootstrap source is already set to another text");
		return 1;
	}
	SnapshotCreator creator(external_refs);
	Isolate* isolate = creator.GetIsolate();
	std::string failure;
	{
		HandleScope hs(isolate);
		Local<Context> ctx = Context::New(isolate);
		Context::Scope cs(ctx);
		TryCatch tc(isolate);
		Local<String> source =
		    shared ? String::NewExternalOneByte(isolate, &g_shared_source).ToLocalChecked()
		           : String::NewFromUtf8(isolate, src, NewStringType::kNormal, static_cast<int>(len)).ToLocalChecked();
		ScriptOrigin origin(isolate, String::NewFromUtf8Literal(isolate, "edged:bootstrap"));
		Local<Script> script;
		Local<Value> fn, hooks;
		Local<Object> table;
		Local<Function> op = FunctionTemplate::New(isolate, OpCallback)->GetFunction(ctx).ToLocalChecked();
		Local<Value> opTable;
		if (!Script::Compile(ctx, source, &origin).ToLocal(&script) || !script->Run(ctx).ToLocal(&fn) ||
		    !fn->IsFunction()) {
			failure = "bootstrap did not evaluate to a function";
		} else {
			Local<Function> detach = FunctionTemplate::New(isolate, DetachCallback)->GetFunction(ctx).ToLocalChecked();
			Local<Value> argv[2] = {op, detach};
			if (!fn.As<Function>()->Call(ctx, Undefined(isolate), 2, argv).ToLocal(&hooks) || !hooks->IsArray()) {
				failure = "bootstrap function did not return the hooks array";
			}
		}
		if (tc.HasCaught()) {
			Local<Value> stack;
			Local<Value> ex = tc.Exception();
			if (ex->IsObject() &&
			    ex.As<Object>()->Get(ctx, String::NewFromUtf8Literal(isolate, "stack")).ToLocal(&stack) &&
			    stack->IsString()) {
				failure = ToUtf8(isolate, stack);
			} else {
				failure = ToUtf8(isolate, ex);
			}
			Local<Message> msg = tc.Message();
			if (!msg.IsEmpty())
				failure += " (bootstrap line " + std::to_string(msg->GetLineNumber(ctx).FromMaybe(0)) + ")";
		}
		if (failure.empty()) {
			creator.AddData(ctx, hooks.As<Array>());
			creator.SetDefaultContext(ctx);
		}
	}
	if (!failure.empty()) {
		*err = strdup(failure.c_str());
		// The creator must still produce a blob before it can be destroyed safely.
		{
			HandleScope hs(isolate);
			creator.SetDefaultContext(Context::New(isolate));
		}
		StartupData blob = creator.CreateBlob(SnapshotCreator::FunctionCodeHandling::kKeep);
		delete[] blob.data;
		return 1;
	}
	StartupData blob = creator.CreateBlob(SnapshotCreator::FunctionCodeHandling::kKeep);
	if (blob.data == nullptr || blob.raw_size <= 0) {
		*err = strdup("V8 could not create the snapshot blob");
		return 1;
	}
	*out = static_cast<char*>(malloc(blob.raw_size));
	memcpy(*out, blob.data, blob.raw_size);
	*outlen = blob.raw_size;
	delete[] blob.data;
	return 0;
}

edg_isolate* edg_isolate_new(const char* snap, size_t snaplen, size_t heap_limit, uintptr_t handle, char** err) {
	edg_isolate* e = new edg_isolate();
	e->handle = handle;
	e->heap_limit = heap_limit;
	e->allocator.reset(new LimitedAllocator(heap_limit));
	static StartupData blob;  // kept for the process; all isolates share one snapshot
	blob.data = snap;
	blob.raw_size = static_cast<int>(snaplen);
	Isolate::CreateParams params;
	params.snapshot_blob = &blob;
	params.external_references = external_refs;
	params.array_buffer_allocator = e->allocator.get();
	params.constraints.ConfigureDefaultsFromHeapSize(0, heap_limit);
	Isolate* isolate = Isolate::New(params);
	e->isolate = isolate;
	isolate->SetData(0, e);
	isolate->SetMicrotasksPolicy(MicrotasksPolicy::kExplicit);
	isolate->AddNearHeapLimitCallback(NearHeapLimit, e);
	isolate->SetPromiseRejectCallback(OnPromiseReject);
	isolate->SetHostImportModuleDynamicallyCallback(DynamicImport);
	isolate->SetHostInitializeImportMetaObjectCallback(InitImportMeta);
	isolate->SetCaptureStackTraceForUncaughtExceptions(true, 16);

	bool ok = false;
	{
		Locker lk(isolate);
		Isolate::Scope is(isolate);
		HandleScope hs(isolate);
		Local<Context> ctx = Context::New(isolate);
		Context::Scope cs(ctx);
		e->context.Reset(isolate, ctx);
		Local<Array> hooks;
		if (ctx->GetDataFromSnapshotOnce<Array>(0).ToLocal(&hooks)) {
			ok = true;
			for (uint32_t i = 0; i < hooks->Length() && i < kHookCount; i++) {
				Local<Value> f;
				if (hooks->Get(ctx, i).ToLocal(&f) && f->IsFunction()) e->hooks[i].Reset(isolate, f.As<Function>());
			}
			// What the snapshot cannot hold (V8 adds WebAssembly to each new context)
			// is set up now, before any user code runs.
			if (!e->hooks[kHookContextReady].IsEmpty()) {
				TryCatch tc(isolate);
				if (e->hooks[kHookContextReady].Get(isolate)->Call(ctx, Undefined(isolate), 0, nullptr).IsEmpty()) ok = false;
			}
		}
	}
	if (!ok) {
		*err = strdup("snapshot has no hooks, or its contextReady hook threw (was it made by edg_snapshot_create?)");
		edg_isolate_dispose(e);
		return nullptr;
	}
	edg_io_reserve(e, 16, 4096, 4096);
	{
		std::lock_guard<std::mutex> lock(g_live_mu);
		g_live[isolate] = handle;
	}
	return e;
}

edg_io* edg_isolate_io(edg_isolate* e) { return &e->io; }

void edg_io_reserve(edg_isolate* e, int vals, size_t data, size_t retdata) {
	edg_io& io = e->io;
	size_t cap = io.cap_vals;
	Grow(reinterpret_cast<void**>(&io.vals), &cap, vals, sizeof(edg_val));
	io.cap_vals = static_cast<int>(cap);
	Grow(reinterpret_cast<void**>(&io.data), &io.cap_data, data, 1);
	Grow(reinterpret_cast<void**>(&io.retdata), &io.cap_retdata, retdata, 1);
}

void edg_isolate_dispose(edg_isolate* e) {
	if (e == nullptr) return;
	if (e->isolate) {
		{
			std::lock_guard<std::mutex> lock(g_live_mu);
			g_live.erase(e->isolate);
		}
		{
			Locker lk(e->isolate);
			Isolate::Scope is(e->isolate);
			for (auto& h : e->hooks) h.Reset();
			for (auto& m : e->modules) m.second.Reset();
			e->modules.clear();
			e->context.Reset();
		}
		e->isolate->Dispose();
		// The default platform keeps a task queue per isolate until told otherwise.
		platform::NotifyIsolateShutdown(g_platform->inner(), e->isolate);
		g_platform->Forget(e->isolate);
	}
	free(e->io.vals);
	free(e->io.data);
	free(e->io.retdata);
	delete e;
}

void edg_isolate_terminate(edg_isolate* e) { e->isolate->TerminateExecution(); }

int edg_isolate_oom(edg_isolate* e) { return e->oom ? 1 : 0; }

int edg_isolate_pump(edg_isolate* e) {
	Isolate* isolate = e->isolate;
	Entry entry(e);
	Local<Context> ctx = entry.ctx;
	while (platform::PumpMessageLoop(g_platform->inner(), isolate, platform::MessageLoopBehavior::kDoNotWait)) {
		if (isolate->IsExecutionTerminating()) return EDG_TERMINATED;
	}
	Checkpoint(e, ctx);
	return isolate->IsExecutionTerminating() ? EDG_TERMINATED : EDG_OK;
}

void edg_isolate_low_memory(edg_isolate* e) {
	Locker lk(e->isolate);
	Isolate::Scope is(e->isolate);
	e->isolate->LowMemoryNotification();
}

void edg_isolate_heap_stats(edg_isolate* e, edg_heap_stats* out) {
	Locker lk(e->isolate);
	Isolate::Scope is(e->isolate);
	HeapStatistics hs;
	e->isolate->GetHeapStatistics(&hs);
	out->used_heap = hs.used_heap_size();
	out->total_heap = hs.total_heap_size();
	out->heap_limit = hs.heap_size_limit();
	out->external = hs.external_memory();
	out->array_buffers = e->allocator->used();
	out->native_contexts = hs.number_of_native_contexts();
	out->global_handles = hs.used_global_handles_size();
}

int edg_call(edg_isolate* e, int slot) {
	Isolate* isolate = e->isolate;
	edg_io& io = e->io;
	io.crossings++;
	Entry entry(e);
	Local<Context> ctx = entry.ctx;
	io.result.kind = EDG_UNDEFINED;
	if (slot < 0 || slot >= kHookCount || e->hooks[slot].IsEmpty()) {
		RecordError(e, "Error", "edged: no hook in slot " + std::to_string(slot));
		return EDG_EXCEPTION;
	}
	int n = io.nvals;
	Local<Value> small[16];
	std::vector<Local<Value>> big;
	Local<Value>* argv = small;
	if (n > 16) {
		big.resize(n);
		argv = big.data();
	}
	for (int i = 0; i < n; i++) argv[i] = FromVal(isolate, io.vals[i]);
	TryCatch tc(isolate);
	Local<Value> result;
	bool ok = e->hooks[slot].Get(isolate)->Call(ctx, Undefined(isolate), n, argv).ToLocal(&result);
	if (!ok) {
		if (tc.HasTerminated() || isolate->IsExecutionTerminating()) return EDG_TERMINATED;
		RecordException(e, ctx, tc);
		Checkpoint(e, ctx);
		return EDG_EXCEPTION;
	}
	Checkpoint(e, ctx);
	if (tc.HasTerminated() || isolate->IsExecutionTerminating()) return EDG_TERMINATED;
	if (!result->IsUndefined()) {
		size_t off = 0;
		e->resultdata.clear();
		ToVal(isolate, result, &io.result, &e->resultdata, &off, 0);
		if (io.result.kind == EDG_STRING) io.result.ptr = e->resultdata.data();
	}
	return EDG_OK;
}

int edg_module_load(edg_isolate* e, const char* name, size_t namelen, const char* src, size_t srclen) {
	Isolate* isolate = e->isolate;
	edg_io& io = e->io;
	io.crossings++;
	Entry entry(e);
	Local<Context> ctx = entry.ctx;
	Local<Value> extra = io.nvals > 0 ? FromVal(isolate, io.vals[0]) : Undefined(isolate).As<Value>();
	TryCatch tc(isolate);
	Local<Module> mod;
	Local<Value> result;
	std::string modname(name, namelen);
	if (!CompileModule(e, modname, src, srclen).ToLocal(&mod) ||
	    !mod->InstantiateModule(ctx, ResolveCallback).FromMaybe(false) || !mod->Evaluate(ctx).ToLocal(&result)) {
		if (tc.HasTerminated() || isolate->IsExecutionTerminating()) return EDG_TERMINATED;
		RecordException(e, ctx, tc);
		return EDG_EXCEPTION;
	}
	// A failed evaluation is reported as the load error, not as an unhandled rejection.
	if (result.As<Promise>()->State() == Promise::kRejected) {
		result.As<Promise>()->MarkAsHandled();
		Local<Function> hook = e->hooks[kHookPromiseReject].Get(isolate);
		Local<Value> argv[3] = {Integer::New(isolate, 1), result, Undefined(isolate)};
		if (!hook.IsEmpty()) (void)hook->Call(ctx, Undefined(isolate), 3, argv);
	}
	Checkpoint(e, ctx);
	if (isolate->IsExecutionTerminating()) return EDG_TERMINATED;
	if (mod->GetStatus() == Module::kErrored) {
		Local<Value> ex = mod->GetException();
		isolate->ThrowException(ex);
		RecordException(e, ctx, tc);
		// The message of a rethrown exception has no location of its own; use the stack.
		return EDG_EXCEPTION;
	}
	Local<Promise> p = result.As<Promise>();
	if (p->State() == Promise::kRejected) {
		isolate->ThrowException(p->Result());
		RecordException(e, ctx, tc);
		return EDG_EXCEPTION;
	}
	if (p->State() == Promise::kPending) {
		RecordError(e, "Error",
		            "top-level await in " + modname +
		                " did not settle while the module loaded (I/O is not allowed at the top level)");
		return EDG_EXCEPTION;
	}
	return FinishLoad(e, ctx, tc, mod->GetModuleNamespace(), extra);
}

int edg_script_load(edg_isolate* e, const char* name, size_t namelen, const char* src, size_t srclen) {
	Isolate* isolate = e->isolate;
	edg_io& io = e->io;
	io.crossings++;
	Entry entry(e);
	Local<Context> ctx = entry.ctx;
	Local<Value> extra = io.nvals > 0 ? FromVal(isolate, io.vals[0]) : Undefined(isolate).As<Value>();
	TryCatch tc(isolate);
	Local<String> source_str, name_str;
	if (!String::NewFromUtf8(isolate, src, NewStringType::kNormal, static_cast<int>(srclen)).ToLocal(&source_str) ||
	    !String::NewFromUtf8(isolate, name, NewStringType::kNormal, static_cast<int>(namelen)).ToLocal(&name_str)) {
		isolate->ThrowException(Exception::RangeError(String::NewFromUtf8Literal(isolate, "script source too large")));
		RecordException(e, ctx, tc);
		return EDG_EXCEPTION;
	}
	ScriptOrigin origin(isolate, name_str);
	Local<Script> script;
	Local<Value> result;
	if (!Script::Compile(ctx, source_str, &origin).ToLocal(&script) || !script->Run(ctx).ToLocal(&result)) {
		if (tc.HasTerminated() || isolate->IsExecutionTerminating()) return EDG_TERMINATED;
		RecordException(e, ctx, tc);
		return EDG_EXCEPTION;
	}
	Checkpoint(e, ctx);
	if (isolate->IsExecutionTerminating()) return EDG_TERMINATED;
	return FinishLoad(e, ctx, tc, Undefined(isolate), extra);
}

}  // extern "C"
