"""infraplan: a deterministic expert system that plans infrastructure enhancements.

The pipeline: a request (spec/) and the repositories (estate/) meet the knowledge base
(knowledge/) in match/, become rule facts (facts/), the rules decide (decide/), the plan is
built (plan/) and audited (audit/), and render/ writes it; commands/ runs each command.
"""

__version__ = "0.1.0"
