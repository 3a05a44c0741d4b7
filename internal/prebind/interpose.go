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
	libSyms, err := dynamicSymbols(lib)
	if err != nil {
		return nil, err
	}
	ours := make(map[string]bool, len(libSyms))
	for _, s := range libSyms {
		if Rewritable(s.Name, elf.ST_BIND(s.Info), elf.ST_TYPE(s.Info), s.Section) {
			ours[s.Name] = true
		}
	}
	exeSyms, err := dynamicSymbols(exe)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, s := range exeSyms {
		if s.Section != elf.SHN_UNDEF && ours[s.Name] {
			out = append(out, s.Name)
		}
	}
	sort.Strings(out)
	return out, nil
}

func dynamicSymbols(path string) ([]elf.Symbol, error) {
	f, err := elf.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.DynamicSymbols()
}
