package correlate

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func TestScratchDump(t *testing.T) {
	files, _ := filepath.Glob(os.Getenv("SCRATCH_GLOB"))
	for _, f := range files {
		incs, _ := analyzeFile(t, f)
		for _, inc := range incs {
			col := NewCollector()
			_ = col
			codes := []string{}
			for _, x := range inc.Findings {
				codes = append(codes, x.Code)
			}
			r := ""
			if len(inc.Ranking) > 0 {
				b, _ := json.Marshal(inc.Ranking[:min(3, len(inc.Ranking))])
				r = string(b)
			}
			v := -1
			if inc.Victim != nil {
				v = inc.Victim.PID
			}
			sel := -1
			if inc.Selected != nil {
				sel = inc.Selected.PID
			}
			fmt.Printf("%s: kind=%s scope=%v victim=%d sel=%d codes=%v rank=%s basis=%+v\n", filepath.Base(f), inc.OOMKind, strOr(inc.Scope), v, sel, codes, r, inc.RankingBasis)
		}
	}
}
