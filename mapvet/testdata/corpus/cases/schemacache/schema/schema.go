// Package schema parses model structs into schemas and caches them by
// type. Parse publishes a schema in the cache before it has parsed the
// schema's relationships.
//
// Report: https://github.com/go-gorm/gorm/issues/5273
package schema

import (
	"errors"
	"reflect"
	"strings"
	"sync"
)

// Relationship links a model to another through a field.
type Relationship struct {
	Name      string
	Type      string // "has_many", "belongs_to"
	FieldType reflect.Type
}

// Relationships are a schema's relations by field name.
type Relationships struct {
	Relations map[string]*Relationship
}

// Field is a column or relation field.
type Field struct {
	Name       string
	DBName     string
	FieldType  reflect.Type
	IsRelation bool
}

// Schema describes a model.
type Schema struct {
	Name          string
	Table         string
	ModelType     reflect.Type
	Fields        []*Field
	FieldsByName  map[string]*Field
	Relationships Relationships
}

var cacheStore sync.Map // reflect.Type -> *Schema

// ErrUnsupportedDataType is returned for a destination that is not a
// struct or a slice of structs.
var ErrUnsupportedDataType = errors.New("unsupported data type")

// Parse returns the schema of dest's model type.
func Parse(dest any) (*Schema, error) {
	modelType := reflect.Indirect(reflect.ValueOf(dest)).Type()
	for modelType.Kind() == reflect.Slice || modelType.Kind() == reflect.Pointer {
		modelType = modelType.Elem()
	}
	if modelType.Kind() != reflect.Struct {
		return nil, ErrUnsupportedDataType
	}
	if v, ok := cacheStore.Load(modelType); ok {
		return v.(*Schema), nil
	}
	s := &Schema{
		Name:          modelType.Name(),
		Table:         strings.ToLower(modelType.Name()) + "s",
		ModelType:     modelType,
		FieldsByName:  make(map[string]*Field),
		Relationships: Relationships{Relations: make(map[string]*Relationship)},
	}
	for i := 0; i < modelType.NumField(); i++ {
		sf := modelType.Field(i)
		f := &Field{Name: sf.Name, DBName: strings.ToLower(sf.Name), FieldType: sf.Type}
		f.IsRelation = sf.Type.Kind() == reflect.Slice && sf.Type.Elem().Kind() == reflect.Struct ||
			sf.Type.Kind() == reflect.Pointer && sf.Type.Elem().Kind() == reflect.Struct
		s.Fields = append(s.Fields, f)
		s.FieldsByName[f.Name] = f
	}
	if v, loaded := cacheStore.LoadOrStore(modelType, s); loaded {
		return v.(*Schema), nil
	}
	for _, f := range s.Fields {
		if f.IsRelation {
			s.parseRelation(f)
		}
	}
	return s, nil
}

func (s *Schema) parseRelation(f *Field) {
	rel := &Relationship{Name: f.Name, FieldType: f.FieldType, Type: "belongs_to"}
	if f.FieldType.Kind() == reflect.Slice {
		rel.Type = "has_many"
	}
	s.Relationships.Relations[f.Name] = rel // race: f written after the schema was published in the cache, while other queries read it
}

// Relation returns the relationship through field name.
func (s *Schema) Relation(name string) (*Relationship, bool) {
	rel, ok := s.Relationships.Relations[name] // race: f read by a query that found the half-parsed schema in the cache
	return rel, ok
}
