// Package prebind rewrites a shared library's references to its own symbols into
// relative relocations, so the dynamic loader does not look them up by name on
// every process start.
//
// Why: Debian's libnode is linked with -z now and exports every symbol, so each of
// its ~60,000 references to its own functions and data is a symbol lookup in the
// loader before main runs (measured with perf: half of the ~30 ms edged spent
// before its first line of Go). Such a reference resolves to the library's own
// definition unless an object earlier in the lookup scope defines the same name.
// For a program linked like edged (executable, then libnode, then the C++ runtime
// and libc) the only earlier object is the executable, and runtime/v8's
// TestNoLibnodeSymbolInterposed checks that it exports none of the names rewritten
// here (glue.cc is compiled with hidden visibility for that reason). What is
// rewritten (Rewritable): references to the library's global, weak and unique
// definitions of functions and data, except the names of the C++ runtime
// (std::, __gnu_cxx::, __cxxabiv1::, operator new/delete), which libstdc++ and any
// program instantiating the same templates define too. TLS and IFUNC symbols are
// left to the loader.
//
// The file keeps BIND_NOW and its RELRO segment: only relocation records change,
// so the loaded image is the same. Rewriting twice changes nothing the second time.
package prebind

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// x86-64 relocation types (System V AMD64 psABI).
const (
	r64       = 1 // S + A
	rGlobDat  = 6 // S
	rJumpSlot = 7 // S
	rRelative = 8 // B + A
)

const (
	dfBindNow  = 0x8 // DT_FLAGS
	df1Now     = 0x1 // DT_FLAGS_1
	relaSize   = 24
	symEntSize = 24
)

// Rewrite converts the file's self-references in place (through a temporary file
// and a rename) and returns how many relocations it changed.
func Rewrite(path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	n, err := RewriteBytes(data)
	if err != nil || n == 0 {
		return n, err
	}
	info, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".prebind-*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return 0, err
	}
	if err := tmp.Chmod(info.Mode().Perm()); err != nil {
		tmp.Close()
		return 0, err
	}
	if err := tmp.Close(); err != nil {
		return 0, err
	}
	return n, os.Rename(tmp.Name(), path)
}

// RewriteBytes edits the relocation records of an ELF64 x86-64 shared object held
// in data and returns how many it changed.
func RewriteBytes(data []byte) (int, error) {
	f, err := elf.NewFile(bytes.NewReader(data))
	if err != nil {
		return 0, err
	}
	if f.Class != elf.ELFCLASS64 || f.Data != elf.ELFDATA2LSB || f.Machine != elf.EM_X86_64 {
		return 0, errors.New("not an ELF64 little-endian x86-64 file")
	}
	if f.Type != elf.ET_DYN {
		return 0, errors.New("not a shared object")
	}
	dynIndex := -1
	for i, s := range f.Sections {
		if s.Type == elf.SHT_DYNSYM {
			dynIndex = i
		}
	}
	if dynIndex < 0 {
		return 0, errors.New("no dynamic symbol table")
	}
	dynsym := f.Sections[dynIndex]
	if !within(dynsym.Offset, dynsym.Size, len(data)) || dynsym.Size%symEntSize != 0 {
		return 0, errors.New("dynamic symbol table out of the file")
	}
	if int(dynsym.Link) >= len(f.Sections) || dynsym.Link == 0 {
		return 0, errors.New("no dynamic string table")
	}
	strtab := f.Sections[dynsym.Link]
	if !within(strtab.Offset, strtab.Size, len(data)) {
		return 0, errors.New("dynamic string table out of the file")
	}
	syms := data[dynsym.Offset : dynsym.Offset+dynsym.Size]
	strs := data[strtab.Offset : strtab.Offset+strtab.Size]
	bindNow, err := boundNow(f)
	if err != nil {
		return 0, err
	}
	le := binary.LittleEndian
	changed := 0
	for _, s := range f.Sections {
		if s.Type != elf.SHT_RELA || s.Link != uint32(dynIndex) {
			continue
		}
		if !within(s.Offset, s.Size, len(data)) || s.Size%relaSize != 0 {
			return 0, fmt.Errorf("%s out of the file", s.Name)
		}
		for off := s.Offset; off < s.Offset+s.Size; off += relaSize {
			rec := data[off : off+relaSize]
			info := le.Uint64(rec[8:])
			typ, idx := uint32(info), info>>32
			if typ != r64 && typ != rGlobDat && typ != rJumpSlot {
				continue
			}
			// A lazily bound PLT slot must stay a JUMP_SLOT: glibc's lazy pass accepts
			// nothing else in the PLT relocations.
			if typ == rJumpSlot && !bindNow {
				continue
			}
			if idx == 0 || (idx+1)*symEntSize > uint64(len(syms)) {
				continue
			}
			sym := syms[idx*symEntSize : (idx+1)*symEntSize]
			name := cstring(strs, le.Uint32(sym))
			info8, shndx, value := sym[4], elf.SectionIndex(le.Uint16(sym[6:])), le.Uint64(sym[8:])
			if !Rewritable(name, elf.SymBind(info8>>4), elf.SymType(info8&0xf), shndx) {
				continue
			}
			addend := int64(0)
			if typ == r64 {
				addend = int64(le.Uint64(rec[16:]))
			}
			le.PutUint64(rec[8:], rRelative)
			le.PutUint64(rec[16:], uint64(int64(value)+addend))
			changed++
		}
	}
	return changed, nil
}

// Rewritable reports whether references to a symbol the library defines are
// rewritten to point at that definition (see the package comment for the rule).
func Rewritable(name string, bind elf.SymBind, typ elf.SymType, shndx elf.SectionIndex) bool {
	if shndx == elf.SHN_UNDEF || shndx == elf.SHN_ABS || shndx == elf.SHN_COMMON || shndx >= elf.SHN_LORESERVE {
		return false
	}
	switch typ {
	case elf.STT_FUNC, elf.STT_OBJECT, elf.STT_NOTYPE:
	default: // TLS, IFUNC, sections, files: not a plain address
		return false
	}
	switch bind {
	case elf.STB_GLOBAL, elf.STB_WEAK, stbGNUUnique:
	default:
		return false
	}
	return !cxxRuntimeName(name)
}

// STB_GNU_UNIQUE: a name the loader keeps one definition of in the process.
const stbGNUUnique elf.SymBind = 10

// cxxRuntime matches mangled names of the C++ runtime: anything in namespace std
// (with the "St"/"Sa"/"Ss"/... abbreviations), including the vtables, type
// information, VTTs, guard variables, thunks and local statics of its entities.
var cxxRuntime = regexp.MustCompile(`^_Z(T[VISTh]|Tv|GVZ?|Z)?[0-9n_]*N?K?S[taiosd]`)

// cxxRuntimeName reports whether a (mangled) name belongs to the C++ runtime: the
// standard library, the GNU extensions and ABI support library, or a replaceable
// operator new/delete. Other objects (libstdc++ itself, or a program that
// instantiates the same template) may define these too.
func cxxRuntimeName(name string) bool {
	if cxxRuntime.MatchString(name) || strings.Contains(name, "__gnu_cxx") || strings.Contains(name, "__cxxabiv1") {
		return true
	}
	for _, p := range []string{"_Znw", "_Zna", "_Zdl", "_Zda"} { // operator new/delete
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// boundNow reports whether the object asks to be relocated at load (DF_BIND_NOW or
// DF_1_NOW), so that its PLT relocations go through the loader's general path.
func boundNow(f *elf.File) (bool, error) {
	dyn := f.Section(".dynamic")
	if dyn == nil {
		return false, errors.New("no .dynamic section")
	}
	b, err := dyn.Data()
	if err != nil {
		return false, err
	}
	le := binary.LittleEndian
	for i := 0; i+16 <= len(b); i += 16 {
		tag, val := elf.DynTag(le.Uint64(b[i:])), le.Uint64(b[i+8:])
		switch {
		case tag == elf.DT_NULL:
			return false, nil
		case tag == elf.DT_BIND_NOW,
			tag == elf.DT_FLAGS && val&dfBindNow != 0,
			tag == elf.DT_FLAGS_1 && val&df1Now != 0:
			return true, nil
		}
	}
	return false, nil
}

// within reports whether [off, off+size) lies in a file of n bytes, without overflow.
func within(off, size uint64, n int) bool {
	return off <= uint64(n) && size <= uint64(n)-off
}

func cstring(b []byte, off uint32) string {
	if uint64(off) >= uint64(len(b)) {
		return ""
	}
	s := b[off:]
	if i := bytes.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return string(s)
}
