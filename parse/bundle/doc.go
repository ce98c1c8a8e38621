// Package bundle knows the support bundles oomtriage reads: which member of a
// sosreport, troubleshoot support bundle, must-gather, EKS or Rancher log
// collector archive holds kernel logs, kubelet logs or pod objects
// (Classify), which host a member belongs to (HostRoot, HostNameHint), and
// what the bundle's small host fact files say about that host (ReadFact into
// HostFacts).
//
// Classification works on one member at a time, from its slash path inside
// its archive and the first bytes of its content, so callers can stream
// archives without unpacking them.
package bundle
