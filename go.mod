module github.com/oomtriage/oomtriage

go 1.26.8

require (
	github.com/alecthomas/kong v1.17.0
	github.com/euank/go-kmsg-parser v2.0.0+incompatible
)

require (
	github.com/klauspost/compress v1.20.4 // indirect
	github.com/stretchr/testify v1.12.1 // indirect
	github.com/ulikunitz/xz v0.5.17 // indirect
	golang.org/x/sys v0.50.0 // indirect
	golang.org/x/term v0.48.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
	k8s.io/apimachinery v0.37.2 // indirect
)
