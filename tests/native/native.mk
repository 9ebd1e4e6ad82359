# native tests: filled in below
