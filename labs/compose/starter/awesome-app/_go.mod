module example.com/awesome-app

go 1.26
