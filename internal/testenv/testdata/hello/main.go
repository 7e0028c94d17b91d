// Command hello is what the testenv tests build.
package main

import "fmt"

func main() { fmt.Println("hello") }
