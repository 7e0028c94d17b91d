// Package render writes an inspected map layout as text, JSON or SVG.
// It builds with gc and gccgo (Go 1.18 language).
package render

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"

	"github.com/mapsafe/mapsafe/inspect"
)

// Options choose how much to write.
type Options struct {
	// Groups includes every group's control bytes (Swiss) or every
	// bucket's tophash arrays (classic). The layout must have been read
	// without inspect.Options.NoGroups.
	Groups bool
	// All lists every table or bucket in text output, however many.
	All bool
	// Growth, if set, is written too: the growth that built the map.
	Growth *inspect.GrowthReport
}

// The JSON documents are flat: the fields of the implementation sit
// beside the common ones, so `jq .dirLen` or `jq .B` work directly.

type common struct {
	Impl     string        `json:"impl"`
	Compiler string        `json:"compiler"`
	Runtime  string        `json:"runtime"`
	Type     string        `json:"type"`
	Len      int           `json:"len"`
	Nil      bool          `json:"nil"`
	Stats    inspect.Stats `json:"stats"`

	Growth *inspect.GrowthReport `json:"growth,omitempty"`
}

type swissDoc struct {
	common
	Used              uint64     `json:"used"`
	SeedSet           bool       `json:"seedSet"`
	Small             bool       `json:"small"`
	SmallGroup        string     `json:"smallGroup,omitempty"`
	DirLen            int        `json:"dirLen"`
	GlobalDepth       uint8      `json:"globalDepth"`
	TombstonePossible bool       `json:"tombstonePossible"`
	ClearSeq          uint64     `json:"clearSeq"`
	SplitGroups       bool       `json:"splitGroups"`
	GroupSize         uintptr    `json:"groupSize"`
	Directory         []int      `json:"directory"`
	Tables            []tableDoc `json:"tables"`
}

type tableDoc struct {
	Index      int      `json:"index"`
	LocalDepth uint8    `json:"localDepth"`
	Capacity   int      `json:"capacity"`
	Used       int      `json:"used"`
	GrowthLeft int      `json:"growthLeft"`
	Tombstones int      `json:"tombstones"`
	Groups     []string `json:"groups,omitempty"` // 16 hex digits per group, slot 0 first
}

type classicDoc struct {
	common
	Count        int         `json:"count"`
	Flags        uint8       `json:"flags"`
	B            uint8       `json:"B"`
	NOverflow    uint16      `json:"noverflow"`
	Hash0Set     bool        `json:"hash0Set"`
	Growing      bool        `json:"growing"`
	SameSize     bool        `json:"sameSize"`
	NEvacuate    uintptr     `json:"nevacuate"`
	BucketSize   uintptr     `json:"bucketSize"`
	FreeOverflow int         `json:"freeOverflow"`
	Buckets      []bucketDoc `json:"buckets"`
	OldBuckets   []bucketDoc `json:"oldBuckets,omitempty"`
}

type bucketDoc struct {
	Overflow  int      `json:"overflow"`
	Entries   int      `json:"entries"`
	Evacuated bool     `json:"evacuated"`
	Chain     []string `json:"chain,omitempty"` // 16 hex digits per bucket of the chain
}

// JSON writes l as one indented JSON document.
func JSON(w io.Writer, l *inspect.Layout, opt Options) error {
	doc, err := document(l, opt)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

func document(l *inspect.Layout, opt Options) (interface{}, error) {
	c := common{Impl: l.Impl, Compiler: l.Compiler, Runtime: l.Runtime, Type: l.Type, Len: l.Len, Nil: l.Nil, Stats: l.Stats(), Growth: opt.Growth}
	switch {
	case l.Swiss != nil:
		s := l.Swiss
		d := swissDoc{common: c, Used: s.Used, SeedSet: s.SeedSet, Small: s.Small, DirLen: s.DirLen,
			GlobalDepth: s.GlobalDepth, TombstonePossible: s.TombstonePossible, ClearSeq: s.ClearSeq,
			SplitGroups: s.SplitGroups, GroupSize: s.GroupSize, Directory: s.Directory, Tables: []tableDoc{}}
		if d.Directory == nil {
			d.Directory = []int{}
		}
		if s.SmallGroup != nil && opt.Groups {
			d.SmallGroup = groupHex(*s.SmallGroup)
		}
		for _, t := range s.Tables {
			td := tableDoc{Index: t.Index, LocalDepth: t.LocalDepth, Capacity: t.Capacity, Used: t.Used, GrowthLeft: t.GrowthLeft, Tombstones: t.Tombstones}
			if opt.Groups {
				if t.Groups == nil {
					return nil, fmt.Errorf("render: the layout was read without control bytes")
				}
				for _, g := range t.Groups {
					td.Groups = append(td.Groups, groupHex(g))
				}
			}
			d.Tables = append(d.Tables, td)
		}
		return d, nil
	case l.Classic != nil:
		k := l.Classic
		d := classicDoc{common: c, Count: k.Count, Flags: k.Flags, B: k.B, NOverflow: k.NOverflow, Hash0Set: k.Hash0Set,
			Growing: k.Growing, SameSize: k.SameSize, NEvacuate: k.NEvacuate, BucketSize: k.BucketSize, FreeOverflow: k.FreeOverflow}
		var err error
		if d.Buckets, err = bucketDocs(k.Buckets, opt); err != nil {
			return nil, err
		}
		if d.Buckets == nil {
			d.Buckets = []bucketDoc{}
		}
		if d.OldBuckets, err = bucketDocs(k.OldBuckets, opt); err != nil {
			return nil, err
		}
		return d, nil
	}
	return nil, fmt.Errorf("render: layout of %s has neither a swiss nor a classic part", l.Type)
}

func bucketDocs(bs []inspect.Bucket, opt Options) ([]bucketDoc, error) {
	var out []bucketDoc
	for _, b := range bs {
		bd := bucketDoc{Overflow: b.Overflow, Entries: b.Entries, Evacuated: b.Evacuated}
		if opt.Groups {
			if b.Chain == nil {
				return nil, fmt.Errorf("render: the layout was read without tophash arrays")
			}
			for _, th := range b.Chain {
				var raw [8]byte
				for i, t := range th {
					raw[i] = byte(t)
				}
				bd.Chain = append(bd.Chain, hex.EncodeToString(raw[:]))
			}
		}
		out = append(out, bd)
	}
	return out, nil
}

func groupHex(g inspect.Group) string {
	var raw [8]byte
	for i, c := range g {
		raw[i] = byte(c)
	}
	return hex.EncodeToString(raw[:])
}
