"""Built-in rules, one module per family; `simplelint.registry.RULE_MODULES` lists them."""
