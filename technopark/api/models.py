# Personal API tokens live in `technopark.accounts.models.ApiToken` (their table keeps its name).
