package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/mapsafe/mapsafe/internal/cli"
	"github.com/mapsafe/mapsafe/internal/realcode"
)

// bugResult is one case's run, saved with the results.
type bugResult struct {
	Case   string          `json:"case"`
	Result realcode.Result `json:"result"`
}

func bugs(f flags, w io.Writer, logf func(string, ...any)) error {
	cases, err := realcode.LoadCases(f.data)
	if err != nil {
		return err
	}
	var chosen []realcode.Case
	for _, c := range cases {
		if selected(f.only, c.Name, false) {
			chosen = append(chosen, c)
		}
	}
	if len(chosen) == 0 {
		return cli.Usagef("-only %q names no case", f.only)
	}
	var results []bugResult
	if f.reuse {
		if err := loadJSON(f.results, &results); err != nil {
			return err
		}
	} else {
		o, err := options(f, logf)
		if err != nil {
			return err
		}
		header(w, f)
		for _, c := range chosen {
			results = append(results, bugResult{c.Name, realcode.Run(c.Target, o)})
			if err := saveJSON(f.results, results); err != nil {
				return err
			}
		}
	}
	byName := map[string]realcode.Result{}
	for _, r := range results {
		byName[r.Case] = r.Result
	}
	found := 0
	fmt.Fprintln(w, "| case | module | packages | mapvet wall | peak RSS | findings | on the racy code | the finding that catches it |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|")
	var details strings.Builder
	for _, c := range chosen {
		r, ok := byName[c.Name]
		if !ok {
			continue
		}
		catch, verdict := "-", "not run"
		if r.Completed() {
			verdict = "no"
			for _, fd := range r.Findings {
				if racy, ok := c.Catches(fd); ok {
					if verdict == "no" {
						found++
						catch = fmt.Sprintf("%s:%d %s: %s (racy: %s)", fd.File, fd.Line, fd.Check, fd.Message, racy.What)
					}
					verdict = "yes"
				}
			}
		} else if r.Mapvet != nil && r.Mapvet.Exceeded != "" {
			verdict = "exceeded " + r.Mapvet.Exceeded
		} else if r.Error != "" {
			verdict = "error"
			fmt.Fprintf(&details, "\n%s: %s\n", c.Name, r.Error)
		}
		wall, rss := "-", "-"
		if r.Mapvet != nil {
			wall, rss = fmt.Sprintf("%.1f s", r.Mapvet.Seconds), fmt.Sprintf("%.2f GB", r.Mapvet.MaxRSSMB/1024)
		}
		fmt.Fprintf(w, "| [%s](%s) | %s | %s | %s | %s | %d | %s | %s |\n", c.Name, c.Report, r.Key,
			strings.Join(c.Target.Packages, " "), wall, rss, len(r.Findings), verdict, strings.ReplaceAll(catch, "|", `\|`))
		for _, fd := range r.Findings {
			if _, ok := c.Catches(fd); !ok {
				fmt.Fprintf(&details, "\n%s, elsewhere: %s:%d:%d %s: %s\n", c.Name, fd.File, fd.Line, fd.Column, fd.Check, fd.Message)
			}
		}
	}
	fmt.Fprintf(w, "\nFound %d of %d.\n%s", found, len(chosen), details.String())
	return nil
}
