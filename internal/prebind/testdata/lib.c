// A shared object that refers to its own symbols in every way the x86-64 loader
// relocates: PLT calls (JUMP_SLOT), GOT loads (GLOB_DAT) and data pointers (64).
int counter = 41;
int *counter_ptr = &counter;
int global_fn(void) { return counter + 1; }
__attribute__((weak)) int weak_fn(void) { return 7; }
int (*table[2])(void) = {global_fn, weak_fn};
int call_all(void) { return table[0]() + table[1]() + *counter_ptr + global_fn() + weak_fn(); }
