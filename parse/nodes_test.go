package parse

import "testing"

// TestReadNodes reads a support bundle's cluster-resources/nodes.json
// (a NodeList whose items name no kind).
func TestReadNodes(t *testing.T) {
	const path = "../testdata/objects/nodes.json"
	objs, _ := objReadFixture(t, path)
	want := []Node{{
		Name:                   "cp-1",
		CapacityMemoryBytes:    objI64(4025688 << 10),
		AllocatableMemoryBytes: objI64(3923288 << 10),
		KubeletVersion:         "v1.37.2",
		Source:                 Source{path, 8},
	}, {
		Name:                   "worker-3",
		CapacityMemoryBytes:    objI64(64 << 30),
		AllocatableMemoryBytes: objI64(63<<30 + 512<<20),
		KubeletVersion:         "v1.32.0",
		Source:                 Source{path, 56},
	}}
	objSameJSON(t, "nodes", objs.Nodes, want)
	if len(objs.Pods)+len(objs.Events)+len(objs.Skipped) != 0 {
		t.Errorf("unexpected other objects: %+v", objs)
	}
}

// TestNodeBadMemory: a capacity that does not parse is unknown, not 0.
func TestNodeBadMemory(t *testing.T) {
	objs, _, err := objReadString(t, "n.json", `{"kind":"Node","metadata":{"name":"n"},"status":{"capacity":{"memory":"lots"},"allocatable":{"memory":1024}}}`)
	want := []Node{{Name: "n", AllocatableMemoryBytes: objI64(1024), Source: Source{"n.json", 1}}}
	objSameJSON(t, "nodes", objs.Nodes, want)
	if err == nil || !objContainsAll(err.Error(), `n.json: document 1 (line 1): node n: status.capacity.memory: quantity "lots"`) {
		t.Errorf("err = %v", err)
	}
}
