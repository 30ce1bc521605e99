package main

import (
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
)

// Config is the process configuration: environment variables, each overridable by a flag.
type Config struct {
	Port           int
	Addr           string // listen address; defaults to :PORT
	DatabaseURL    string
	DBPath         string // the SQLite file derived from DatabaseURL
	RedisURL       string
	BaseURL        string
	AllowedOrigins []string
	LogLevel       slog.Level
	Demo           bool
}

// parseConfig reads the environment (getenv) and then the flags in args. It returns an error naming
// the setting when a value is not valid.
func parseConfig(args []string, getenv func(string) string) (Config, error) {
	var c Config
	fs := flag.NewFlagSet("workshop", flag.ContinueOnError)
	port := fs.String("port", envOr(getenv, "PORT", "8080"), "TCP port to listen on (PORT)")
	addr := fs.String("addr", getenv("ADDR"), "listen address, e.g. 127.0.0.1:0; overrides -port (ADDR)")
	dbURL := fs.String("database-url", getenv("DATABASE_URL"), "sqlite:PATH (DATABASE_URL); default sqlite:data/workshop.db")
	redisURL := fs.String("redis-url", getenv("REDIS_URL"), "redis://host:port/db for multi-instance fan-out (REDIS_URL); unset: in-process")
	baseURL := fs.String("base-url", getenv("BASE_URL"), "public URL used in invite links (BASE_URL); default http://localhost:PORT")
	origins := fs.String("allowed-origins", getenv("ALLOWED_ORIGINS"), "comma-separated origins allowed for WebSocket and cross-origin requests (ALLOWED_ORIGINS)")
	level := fs.String("log-level", envOr(getenv, "LOG_LEVEL", "info"), "debug, info, warn or error (LOG_LEVEL)")
	demo := fs.Bool("demo", truthy(getenv("DEMO")), "create a demo tenant and workshop on an empty database (DEMO=1)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	p, err := strconv.Atoi(*port)
	if err != nil || p < 0 || p > 65535 {
		return c, fmt.Errorf("PORT: %q is not a port number (0-65535)", *port)
	}
	c.Port, c.Addr = p, *addr
	if c.Addr == "" {
		c.Addr = ":" + strconv.Itoa(p)
	}
	c.DatabaseURL = *dbURL
	switch {
	case c.DatabaseURL == "":
		c.DBPath = "data/workshop.db"
	case strings.HasPrefix(c.DatabaseURL, "sqlite:"):
		c.DBPath = strings.TrimPrefix(strings.TrimPrefix(c.DatabaseURL, "sqlite:"), "//")
		if c.DBPath == "" {
			return c, fmt.Errorf("DATABASE_URL: %q has no file path (use sqlite:PATH)", c.DatabaseURL)
		}
	case strings.HasPrefix(c.DatabaseURL, "postgres://"), strings.HasPrefix(c.DatabaseURL, "postgresql://"):
		return c, fmt.Errorf("DATABASE_URL: PostgreSQL is not supported in this version; use sqlite:PATH")
	default:
		return c, fmt.Errorf("DATABASE_URL: %q must start with sqlite:", c.DatabaseURL)
	}
	c.RedisURL = *redisURL
	if c.RedisURL != "" {
		u, err := url.Parse(c.RedisURL)
		if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") || u.Host == "" {
			return c, fmt.Errorf("REDIS_URL: %q is not a redis:// URL", c.RedisURL)
		}
	}
	c.BaseURL = strings.TrimRight(*baseURL, "/")
	if c.BaseURL == "" {
		c.BaseURL = "http://localhost:" + strconv.Itoa(p)
	}
	if u, err := url.Parse(c.BaseURL); err != nil || !isOrigin(u) {
		return c, fmt.Errorf("BASE_URL: %q must be an http(s) origin such as https://assess.example.org", c.BaseURL)
	}
	for _, o := range strings.Split(*origins, ",") {
		if o = strings.TrimRight(strings.TrimSpace(o), "/"); o == "" {
			continue
		}
		u, err := url.Parse(o)
		if err != nil || !isOrigin(u) || strings.Contains(o, "*") {
			return c, fmt.Errorf("ALLOWED_ORIGINS: %q must be an origin such as https://assess.example.org (no paths or wildcards)", o)
		}
		c.AllowedOrigins = append(c.AllowedOrigins, o)
	}
	if err := c.LogLevel.UnmarshalText([]byte(*level)); err != nil {
		return c, fmt.Errorf("LOG_LEVEL: %q must be debug, info, warn or error", *level)
	}
	c.Demo = *demo
	return c, nil
}

// isOrigin reports whether u is a bare http(s) origin: scheme and host, and nothing else (no
// path, query, fragment or credentials), since invite links are built by appending paths to it.
func isOrigin(u *url.URL) bool {
	return (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.Path == "" && u.RawQuery == "" &&
		!u.ForceQuery && u.Fragment == "" && u.User == nil && u.Opaque == ""
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

func truthy(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}
