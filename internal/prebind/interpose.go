package prebind

import (
	"debug/elf"
	"sort"
)

// Interposed lists the names the program exe exports that lib defines and Rewrite
// rewrites. Each would be interposed (the program's definition used by lib too) had
// lib not been rewritten, so a program linked against a rewritten lib must have
// none.
func Interposed(exe, lib string) ([]string, error) {
	ours, err := rewrittenNames(lib)
	if err != nil {
		return nil, err
	}
	f, err := elf.Open(exe)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	syms, err := f.DynamicSymbols()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, s := range syms {
		if s.Section != elf.SHN_UNDEF && ours[s.Name] {
			out = append(out, s.Name)
		}
	}
	sort.Strings(out)
	return out, nil
}

func rewrittenNames(lib string) (map[string]bool, error) {
	f, err := elf.Open(lib)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	syms, err := f.DynamicSymbols()
	if err != nil {
		return nil, err
	}
	names := make(map[string]bool, len(syms))
	for _, s := range syms {
		if Rewritable(s.Name, elf.ST_BIND(s.Info), elf.ST_TYPE(s.Info), s.Section) {
			names[s.Name] = true
		}
	}
	return names, nil
}
