// Package sitetemplate is the fixed twin of cases/sitetemplate: Scratch
// holds a lock, and the template ranges over a copy that Values makes
// under it.
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
	mu     sync.RWMutex
	values map[string]any
}

// NewScratch returns an empty scratch.
func NewScratch() *Scratch { return &Scratch{values: make(map[string]any)} }

// Set stores value under key.
func (s *Scratch) Set(key string, value any) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.values[key] = value
	return ""
}

// SetInMap stores value under mapKey in the map stored under key.
func (s *Scratch) SetInMap(key, mapKey string, value any) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, _ := s.values[key].(map[string]any)
	if m == nil {
		m = make(map[string]any)
		s.values[key] = m
	}
	m[mapKey] = value
	return ""
}

// Get returns the value stored under key.
func (s *Scratch) Get(key string) any {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.values[key]
}

// Values returns a copy of the map stored under key.
func (s *Scratch) Values(key string) map[string]any {
	s.mu.RLock()
	defer s.mu.RUnlock()
	m, _ := s.values[key].(map[string]any)
	cp := make(map[string]any, len(m))
	for k, v := range m {
		cp[k] = v
	}
	return cp
}

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
<ul>{{ range $section, $title := .Site.Scratch.Values "sections" }}
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
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			if err := tmpl.Execute(&buf, pageContext{Page: p, Site: s}); err != nil {
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
