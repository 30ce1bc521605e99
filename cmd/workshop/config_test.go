package main

import (
	"log/slog"
	"slices"
	"strings"
	"testing"
)

func envMap(kv map[string]string) func(string) string {
	return func(k string) string { return kv[k] }
}

func TestParseConfigDefaults(t *testing.T) {
	c, err := parseConfig(nil, envMap(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Port != 8080 || c.Addr != ":8080" || c.DBPath != "data/workshop.db" || c.BaseURL != "http://localhost:8080" ||
		c.LogLevel != slog.LevelInfo || c.RedisURL != "" || len(c.AllowedOrigins) != 0 || c.Demo {
		t.Fatalf("defaults: %+v", c)
	}
}

func TestParseConfigValues(t *testing.T) {
	c, err := parseConfig(nil, envMap(map[string]string{
		"PORT": "9090", "DATABASE_URL": "sqlite:/var/lib/workshop/db.sqlite", "REDIS_URL": "redis://localhost:6379/0",
		"BASE_URL": "https://assess.example.org/", "ALLOWED_ORIGINS": " https://a.example.org , https://b.example.org/ ",
		"LOG_LEVEL": "DEBUG", "DEMO": "yes",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Port != 9090 || c.Addr != ":9090" || c.DBPath != "/var/lib/workshop/db.sqlite" || c.RedisURL != "redis://localhost:6379/0" ||
		c.BaseURL != "https://assess.example.org" || !slices.Equal(c.AllowedOrigins, []string{"https://a.example.org", "https://b.example.org"}) ||
		c.LogLevel != slog.LevelDebug || !c.Demo {
		t.Fatalf("values: %+v", c)
	}
	// The base URL follows the port when unset; sqlite:// URLs name a path too.
	c, err = parseConfig([]string{"-port", "7000", "-database-url", "sqlite://relative/x.db"}, envMap(map[string]string{"PORT": "1"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Port != 7000 || c.BaseURL != "http://localhost:7000" || c.DBPath != "relative/x.db" {
		t.Fatalf("flags over env: %+v", c)
	}
	c, err = parseConfig([]string{"-addr", "127.0.0.1:0"}, envMap(nil))
	if err != nil || c.Addr != "127.0.0.1:0" {
		t.Fatalf("addr: %+v, %v", c, err)
	}
}

// TestParseConfigErrors checks that each bad value is an error that names its setting.
func TestParseConfigErrors(t *testing.T) {
	cases := []struct {
		env  map[string]string
		args []string
		name string
	}{
		{env: map[string]string{"PORT": "http"}, name: "PORT"},
		{env: map[string]string{"PORT": "-5"}, name: "PORT"},
		{env: map[string]string{"PORT": "65536"}, name: "PORT"},
		{env: map[string]string{"PORT": " 80"}, name: "PORT"},
		{args: []string{"-port", "x"}, name: "PORT"},
		{env: map[string]string{"DATABASE_URL": "mysql://db"}, name: "DATABASE_URL"},
		{env: map[string]string{"DATABASE_URL": "sqlite:"}, name: "DATABASE_URL"},
		{env: map[string]string{"DATABASE_URL": "postgres://u@h/db"}, name: "DATABASE_URL"},
		{env: map[string]string{"DATABASE_URL": "/data/db.sqlite"}, name: "DATABASE_URL"},
		{env: map[string]string{"BASE_URL": "ftp://assess.example.org"}, name: "BASE_URL"},
		{env: map[string]string{"BASE_URL": "assess.example.org"}, name: "BASE_URL"},
		{env: map[string]string{"BASE_URL": "https://assess.example.org/app"}, name: "BASE_URL"},
		{env: map[string]string{"BASE_URL": "https://"}, name: "BASE_URL"},
		{env: map[string]string{"BASE_URL": "https://assess.example.org?x=1"}, name: "BASE_URL"},
		{env: map[string]string{"BASE_URL": "https://assess.example.org#top"}, name: "BASE_URL"},
		{env: map[string]string{"BASE_URL": "https://user:pw@assess.example.org"}, name: "BASE_URL"},
		{env: map[string]string{"LOG_LEVEL": "loud"}, name: "LOG_LEVEL"},
		{env: map[string]string{"LOG_LEVEL": "verbose"}, name: "LOG_LEVEL"},
		{env: map[string]string{"REDIS_URL": "http://localhost:6379"}, name: "REDIS_URL"},
		{env: map[string]string{"REDIS_URL": "redis://"}, name: "REDIS_URL"},
		{env: map[string]string{"ALLOWED_ORIGINS": "https://*.example.org"}, name: "ALLOWED_ORIGINS"},
		{env: map[string]string{"ALLOWED_ORIGINS": "https://a.example.org/path"}, name: "ALLOWED_ORIGINS"},
		{env: map[string]string{"ALLOWED_ORIGINS": "a.example.org"}, name: "ALLOWED_ORIGINS"},
	}
	for _, tc := range cases {
		_, err := parseConfig(tc.args, envMap(tc.env))
		if err == nil {
			t.Errorf("%v %v: accepted", tc.env, tc.args)
			continue
		}
		if !strings.Contains(err.Error(), tc.name) {
			t.Errorf("%v %v: error %q does not name %s", tc.env, tc.args, err, tc.name)
		}
	}
}
