module example.com/maths

go 1.26
