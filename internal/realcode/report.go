package realcode

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Report is the comparison of a run's results with the expectations.
type Report struct {
	Results []Result
	Compare map[string]Comparison // by target name, completed targets only
}

// NewReport compares each completed result with the expectations.
func NewReport(results []Result, exp []Expectation) Report {
	rep := Report{Results: results, Compare: map[string]Comparison{}}
	for _, r := range results {
		if r.Completed() {
			rep.Compare[r.Name] = Compare(r.Findings, exp, r.InScope)
		}
	}
	return rep
}

// Failed reports whether some finding has no verdict: the script then
// exits non-zero.
func (rep Report) Failed() bool {
	for _, c := range rep.Compare {
		if len(c.New) > 0 {
			return true
		}
	}
	return false
}

// unique lists the judged findings of all targets once each (two targets
// can check the same package: client-go and its issue-12 subset).
func (rep Report) unique() []Judged {
	seen := map[string]bool{}
	var out []Judged
	for _, r := range rep.Results {
		for _, j := range rep.Compare[r.Name].Judged {
			k := j.Pos() + "|" + j.Check + "|" + j.Message
			if !seen[k] {
				seen[k] = true
				out = append(out, j)
			}
		}
	}
	return out
}

func seconds(c *Cost) string {
	if c == nil {
		return "-"
	}
	switch c.Exceeded {
	case "time":
		return fmt.Sprintf("exceeded (killed at %.0f s)", c.Seconds)
	case "memory":
		return fmt.Sprintf("exceeded memory at %.0f s", c.Seconds)
	}
	return fmt.Sprintf("%.1f s", c.Seconds)
}

func rss(c *Cost) string {
	if c == nil {
		return "-"
	}
	if c.Exceeded == "memory" {
		return fmt.Sprintf("> cap (%.1f GB seen)", c.MaxRSSMB/1024)
	}
	return fmt.Sprintf("%.2f GB", c.MaxRSSMB/1024)
}

// WriteMarkdown prints the results table, the findings with their verdicts,
// the false-positive causes, and what needs review.
func (rep Report) WriteMarkdown(w io.Writer) {
	fmt.Fprintln(w, "| target | module | packages | mapvet wall | mapvet peak RSS | go vet wall | mapvet / vet | findings | tp | harmless | fp | no verdict | gone |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|---|")
	for _, r := range rep.Results {
		ratio := "-"
		if r.Vet != nil && r.Mapvet != nil && r.Vet.Seconds > 0 && r.Mapvet.Exceeded == "" {
			ratio = fmt.Sprintf("%.2f", r.Mapvet.Seconds/r.Vet.Seconds)
		}
		c, ok := rep.Compare[r.Name]
		counts := "- | - | - | - | - | -"
		if ok {
			counts = fmt.Sprintf("%d | %d | %d | %d | %d | %d", len(r.Findings), c.Counts[TruePositive], c.Counts[Harmless], c.Counts[FalsePositive], len(c.New), len(c.Gone))
		} else if r.Error != "" && (r.Mapvet == nil || r.Mapvet.Exceeded == "") {
			counts = "error | - | - | - | - | -"
		}
		fmt.Fprintf(w, "| %s | %s | %d | %s | %s | %s | %s | %s |\n", r.Name, r.Key, r.Packages, seconds(r.Mapvet), rss(r.Mapvet), seconds(r.Vet), ratio, counts)
	}
	for _, r := range rep.Results {
		if r.Error != "" {
			fmt.Fprintf(w, "\n%s: %s\n", r.Name, r.Error)
		}
	}

	all := rep.unique()
	counts := map[Verdict]int{}
	causes := map[string]int{}
	for _, j := range all {
		if j.Entry != nil {
			counts[j.Entry.Verdict]++
			if j.Entry.Verdict == FalsePositive {
				causes[j.Entry.Cause]++
			}
		}
	}
	fmt.Fprintf(w, "\nDistinct findings over the completed targets: %d (tp %d, harmless %d, fp %d, no verdict %d).\n",
		len(all), counts[TruePositive], counts[Harmless], counts[FalsePositive], len(all)-counts[TruePositive]-counts[Harmless]-counts[FalsePositive])
	if len(causes) > 0 {
		fmt.Fprintln(w, "\n| false-positive cause | findings |\n|---|---|")
		names := make([]string, 0, len(causes))
		for k := range causes {
			names = append(names, k)
		}
		sort.Slice(names, func(i, j int) bool {
			if causes[names[i]] != causes[names[j]] {
				return causes[names[i]] > causes[names[j]]
			}
			return names[i] < names[j]
		})
		for _, k := range names {
			fmt.Fprintf(w, "| %s | %d |\n", cmpOr(k, "(none named)"), causes[k])
		}
	}
	rep.writeFindings(w, all)
	rep.writeReview(w)
}

func (rep Report) writeFindings(w io.Writer, all []Judged) {
	if len(all) == 0 {
		return
	}
	fmt.Fprintln(w, "\n| position | check | verdict | reason |\n|---|---|---|---|")
	for _, j := range all {
		verdict, reason := "**no verdict**", cut(j.Message, 120)
		if e := j.Entry; e != nil {
			verdict, reason = string(e.Verdict), e.Reason
			if e.Cause != "" {
				verdict += " (" + e.Cause + ")"
			}
		}
		fmt.Fprintf(w, "| %s/%s:%d | %s | %s | %s |\n", j.Module, j.File, j.Line, j.Check, verdict, strings.ReplaceAll(reason, "|", `\|`))
	}
}

// writeReview lists the findings that need a verdict, as entries ready to
// paste into the expectations file, and the entries no finding matched.
func (rep Report) writeReview(w io.Writer) {
	for _, r := range rep.Results {
		c, ok := rep.Compare[r.Name]
		if !ok || len(c.New) == 0 {
			continue
		}
		fmt.Fprintf(w, "\nNEW findings of %s with no verdict (fill in VERDICT and REASON, add to the expectations file):\n\n    module %s\n", r.Name, r.Key)
		for _, f := range c.New {
			fmt.Fprintf(w, "    %s\n", EntryLine(f))
		}
	}
	for _, r := range rep.Results {
		c, ok := rep.Compare[r.Name]
		if !ok || len(c.Gone) == 0 {
			continue
		}
		fmt.Fprintf(w, "\nExpected findings of %s that did not appear (not a failure; remove them once the change is understood):\n\n", r.Name)
		for _, e := range c.Gone {
			fmt.Fprintf(w, "    %s %s %s %q (%s)\n", e.Pos(), e.Check, e.Verdict, e.Message, e.Source)
		}
	}
}

func cut(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

func cmpOr(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}
