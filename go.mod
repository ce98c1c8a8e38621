module github.com/oomtriage/oomtriage

go 1.26.8

require (
	github.com/alecthomas/kong v1.17.0
	github.com/euank/go-kmsg-parser v2.0.0+incompatible
)

require github.com/stretchr/testify v1.12.1 // indirect
