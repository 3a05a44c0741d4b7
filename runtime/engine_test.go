package runtime

import (
	"strings"
	"testing"
)

func TestSnapshotBuilds(t *testing.T) {
	eng, err := getEngine()
	if err != nil {
		t.Fatal(err)
	}
	if eng.snap.Size() < 100<<10 {
		t.Errorf("got a %d-byte snapshot, want a real one", eng.snap.Size())
	}
	for _, op := range []string{"op_console", "op_resp_send", "op_req_body_read"} {
		if _, ok := eng.opIDs[op]; !ok {
			t.Errorf("op %s missing from the table", op)
		}
	}
}

func TestBootstrapOrder(t *testing.T) {
	files, err := collectJS()
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 || !strings.HasSuffix(files[0].path, "00_core.js") {
		t.Fatalf("got first file %v, want runtime/js/00_core.js", files)
	}
	for i := 1; i < len(files); i++ {
		if files[i].order < files[i-1].order {
			t.Errorf("%s loads before %s", files[i-1].path, files[i].path)
		}
	}
}
