// Package sitetemplate is modeled on Hugo's site rendering: pages render
// in parallel, and the list template both records the page in the site's
// shared Scratch map (through SetInMap) and ranges over that map. The
// template engine calls SetInMap and iterates the map with reflect, from
// every page's goroutine.
//
// Report: https://github.com/gohugoio/hugo/issues/4557
package sitetemplate

import (
	"bytes"
	"sync"
	"text/template"
)

// Scratch is a key-value store templates write to.
type Scratch struct {
	values map[string]any
}

// NewScratch returns an empty scratch.
func NewScratch() *Scratch { return &Scratch{values: make(map[string]any)} }

// Set stores value under key.
func (s *Scratch) Set(key string, value any) string {
	s.values[key] = value
	return ""
}

// SetInMap stores value under mapKey in the map stored under key.
func (s *Scratch) SetInMap(key, mapKey string, value any) string {
	m, _ := s.values[key].(map[string]any)
	if m == nil {
		m = make(map[string]any)
		s.values[key] = m
	}
	m[mapKey] = value // race: e template calls write the scratch map other pages' templates are ranging
	return ""
}

// Get returns the value stored under key.
func (s *Scratch) Get(key string) any { return s.values[key] }

// Page is a content page.
type Page struct {
	Title   string
	Section string
}

// Site is the site being built.
type Site struct {
	Title   string
	Scratch *Scratch
	Pages   []*Page
}

type pageContext struct {
	Page *Page
	Site *Site
}

const listTemplate = `{{ .Site.Scratch.SetInMap "sections" .Page.Section .Page.Title -}}
<h1>{{ .Page.Title }}</h1>
<ul>{{ range $section, $title := .Site.Scratch.Get "sections" }}
<li><a href="/{{ $section }}/">{{ $title }}</a></li>{{ end }}
</ul>`

// Render renders every page, in parallel, and passes the output to out.
func (s *Site) Render(out func(*Page, []byte)) error {
	tmpl, err := template.New("list").Parse(listTemplate)
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(s.Pages))
	for _, p := range s.Pages {
		wg.Add(1)
		go func() { // race: e page goroutines execute a template that writes and ranges the shared scratch map
			defer wg.Done()
			var buf bytes.Buffer
			if err := tmpl.Execute(&buf, pageContext{Page: p, Site: s}); err != nil { // race: e text/template ranges .Site.Scratch's map while other pages write it
				errs <- err
				return
			}
			out(p, buf.Bytes())
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}
