// FlakeModel
