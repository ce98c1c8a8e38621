package parse

// node converts a Node object: its name, memory capacity and allocatable
// (bytes), and kubelet version.
func (o *kubeObject) node(src Source, errs *[]string) Node {
	n := Node{Name: o.Metadata.Name, KubeletVersion: o.Status.NodeInfo.KubeletVersion, Source: src}
	memory := func(field string, q kubeQuantity) *int64 {
		if !q.Set {
			return nil
		}
		v, err := kubeQuantityUnits(q.Text)
		if err != nil {
			*errs = append(*errs, "node "+n.Name+": status."+field+".memory: "+err.Error())
			return nil
		}
		return &v
	}
	n.CapacityMemoryBytes = memory("capacity", o.Status.Capacity.Memory)
	n.AllocatableMemoryBytes = memory("allocatable", o.Status.Allocatable.Memory)
	return n
}

type kubeNodeInfo struct {
	KubeletVersion string `json:"kubeletVersion" yaml:"kubeletVersion"`
}
