#!/usr/bin/env node
import '../dist/bundle/sqlkit.mjs';
